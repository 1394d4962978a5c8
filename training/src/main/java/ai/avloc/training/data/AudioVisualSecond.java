package ai.avloc.training.data;

import ai.avloc.acoustics.audio.MelCepstrum;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.WindowClock;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.FeatureList;
import org.tensorflow.proto.FeatureLists;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;
import org.tensorflow.proto.SequenceExample;

/**
 * One second of an audio-visual dataset in the ACIVW / AVIA layout (uvae-reference.md §1.5): a
 * {@code tf.train.SequenceExample} whose context holds the labels and the sizes, and whose three
 * feature lists hold 12 entries each, one per 1/12 s: the acoustic image (float32 36x48x12, C
 * order), the mono audio (int32 1024) and the frame (uint8 224x298x3), all little-endian as numpy
 * writes them. Entries are kept as read (no rotation or normalization; that is the loader's job).
 *
 * @param labels the context's int64 labels other than the sizes: {@code classes} and {@code
 *     location} for ACIVW, {@code action}, {@code location} and {@code subject} for AVIA
 * @param acousticImages 12 x 36 x 48 x 12 values
 * @param audio 12 x 1024 samples
 * @param frames 12 x 224 x 298 x 3 bytes
 */
public record AudioVisualSecond(
    Map<String, Long> labels, float[] acousticImages, int[] audio, byte[] frames) {
  /** One TFRecord holds one second: a window of each kind per 1/12 s. */
  public static final int ENTRIES = WindowClock.WINDOWS_PER_SECOND;

  public static final int IMAGE_DEPTH = ModelShapes.COEFFICIENTS;

  static final String AUDIO_IMAGE = "audio/image";
  static final String AUDIO_DATA = "audio/data";
  static final String VIDEO_IMAGE = "video/image";

  private static final Map<String, Long> SIZES = sizes();

  private static Map<String, Long> sizes() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("audio_image/height", (long) ModelShapes.ROWS);
    m.put("audio_image/width", (long) ModelShapes.COLS);
    m.put("audio_image/depth", (long) IMAGE_DEPTH);
    m.put("audio_data/mics", 1L);
    m.put("audio_data/samples", (long) WindowClock.SAMPLES_PER_WINDOW);
    m.put("video/height", (long) ModelShapes.FRAME_HEIGHT);
    m.put("video/width", (long) ModelShapes.FRAME_WIDTH);
    m.put("video/depth", 3L);
    return m;
  }

  public AudioVisualSecond {
    labels = Map.copyOf(labels);
    require(
        acousticImages.length == ENTRIES * ModelShapes.ROWS * ModelShapes.COLS * IMAGE_DEPTH,
        "acoustic images");
    require(audio.length == ENTRIES * WindowClock.SAMPLES_PER_WINDOW, "audio");
    require(
        frames.length == ENTRIES * ModelShapes.FRAME_HEIGHT * ModelShapes.FRAME_WIDTH * 3,
        "frames");
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException(what + " do not hold 12 entries of the layout's size");
    }
  }

  /**
   * Entry {@code e}'s acoustic image as the model's target, the reference loader's way (§1.3):
   * rotated by 180 degrees (rows and columns reversed, coefficients kept) to line up with the
   * frame, then min-max normalized over all its values; a constant image becomes zeros.
   *
   * @return 36 x 48 x 12 values in [0, 1]
   */
  public float[] target(int e) {
    int size = ModelShapes.ROWS * ModelShapes.COLS * IMAGE_DEPTH;
    float[] out = new float[size];
    for (int r = 0; r < ModelShapes.ROWS; r++) {
      for (int c = 0; c < ModelShapes.COLS; c++) {
        int from =
            e * size
                + ((ModelShapes.ROWS - 1 - r) * ModelShapes.COLS + (ModelShapes.COLS - 1 - c))
                    * IMAGE_DEPTH;
        System.arraycopy(
            acousticImages, from, out, (r * ModelShapes.COLS + c) * IMAGE_DEPTH, IMAGE_DEPTH);
      }
    }
    MelCepstrum.minMaxNormalize(out, 0, out.length);
    return out;
  }

  /**
   * Entry {@code e}'s frame as the model's input (§1.4): BGR reversed to RGB, scaled by 1/255, no
   * mean subtraction.
   *
   * @return 224 x 298 x 3 values in [0, 1]
   */
  public float[] rgb(int e) {
    int size = ModelShapes.FRAME_HEIGHT * ModelShapes.FRAME_WIDTH * 3;
    float[] out = new float[size];
    for (int p = 0; p < size; p += 3) {
      int from = e * size + p;
      out[p] = (frames[from + 2] & 0xff) / 255f;
      out[p + 1] = (frames[from + 1] & 0xff) / 255f;
      out[p + 2] = (frames[from] & 0xff) / 255f;
    }
    return out;
  }

  /** Entry {@code e}'s 1024 samples as floats in PCM16 scale, the MFCC chain's input. */
  public float[] samples(int e) {
    float[] out = new float[WindowClock.SAMPLES_PER_WINDOW];
    for (int i = 0; i < WindowClock.SAMPLES_PER_WINDOW; i++) {
      out[i] = audio[e * WindowClock.SAMPLES_PER_WINDOW + i];
    }
    return out;
  }

  /** The record as TensorFlow writes it. */
  public byte[] toBytes() {
    Features.Builder context = Features.newBuilder();
    // sorted: Map.copyOf iterates in an order that changes from one JVM to the next, and the
    // context map is written in insertion order, so unsorted labels would make the bytes vary
    new TreeMap<>(labels).forEach((k, v) -> context.putFeature(k, int64(v)));
    SIZES.forEach((k, v) -> context.putFeature(k, int64(v)));
    int imageBytes = 4 * ModelShapes.ROWS * ModelShapes.COLS * IMAGE_DEPTH;
    FeatureList.Builder images = FeatureList.newBuilder();
    FeatureList.Builder sound = FeatureList.newBuilder();
    FeatureList.Builder video = FeatureList.newBuilder();
    int frameBytes = ModelShapes.FRAME_HEIGHT * ModelShapes.FRAME_WIDTH * 3;
    for (int e = 0; e < ENTRIES; e++) {
      ByteBuffer image = ByteBuffer.allocate(imageBytes).order(ByteOrder.LITTLE_ENDIAN);
      image.asFloatBuffer().put(acousticImages, e * imageBytes / 4, imageBytes / 4);
      images.addFeature(bytes(image.array()));
      ByteBuffer pcm =
          ByteBuffer.allocate(4 * WindowClock.SAMPLES_PER_WINDOW).order(ByteOrder.LITTLE_ENDIAN);
      pcm.asIntBuffer()
          .put(audio, e * WindowClock.SAMPLES_PER_WINDOW, WindowClock.SAMPLES_PER_WINDOW);
      sound.addFeature(bytes(pcm.array()));
      video.addFeature(
          Feature.newBuilder()
              .setBytesList(
                  BytesList.newBuilder()
                      .addValue(ByteString.copyFrom(frames, e * frameBytes, frameBytes)))
              .build());
    }
    return SequenceExample.newBuilder()
        .setContext(context)
        .setFeatureLists(
            FeatureLists.newBuilder()
                .putFeatureList(AUDIO_IMAGE, images.build())
                .putFeatureList(AUDIO_DATA, sound.build())
                .putFeatureList(VIDEO_IMAGE, video.build()))
        .build()
        .toByteArray();
  }

  /**
   * Parses one record, checking the size keys and the entry counts.
   *
   * @throws IllegalArgumentException naming what does not match the layout
   */
  public static AudioVisualSecond parse(byte[] record) {
    SequenceExample example;
    try {
      example = SequenceExample.parseFrom(record);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a SequenceExample: " + e.getMessage(), e);
    }
    Map<String, Long> labels = new LinkedHashMap<>();
    for (var entry : example.getContext().getFeatureMap().entrySet()) {
      List<Long> values = entry.getValue().getInt64List().getValueList();
      if (values.size() != 1) {
        continue; // not an int64 label
      }
      Long expected = SIZES.get(entry.getKey());
      if (expected == null) {
        labels.put(entry.getKey(), values.get(0));
      } else if (!expected.equals(values.get(0))) {
        throw new IllegalArgumentException(
            "context " + entry.getKey() + " is " + values.get(0) + ", the layout has " + expected);
      }
    }
    Map<String, FeatureList> lists = example.getFeatureLists().getFeatureListMap();
    byte[] images =
        concat(lists, AUDIO_IMAGE, 4 * ModelShapes.ROWS * ModelShapes.COLS * IMAGE_DEPTH);
    byte[] pcm = concat(lists, AUDIO_DATA, 4 * WindowClock.SAMPLES_PER_WINDOW);
    byte[] video =
        concat(lists, VIDEO_IMAGE, ModelShapes.FRAME_HEIGHT * ModelShapes.FRAME_WIDTH * 3);
    float[] imageValues = new float[images.length / 4];
    ByteBuffer.wrap(images).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(imageValues);
    int[] samples = new int[pcm.length / 4];
    ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(samples);
    return new AudioVisualSecond(labels, imageValues, samples, video);
  }

  private static byte[] concat(Map<String, FeatureList> lists, String key, int entryBytes) {
    FeatureList list = lists.get(key);
    if (list == null) {
      throw new IllegalArgumentException("no feature list " + key);
    }
    if (list.getFeatureCount() != ENTRIES) {
      throw new IllegalArgumentException(
          key + " has " + list.getFeatureCount() + " entries, the layout has " + ENTRIES);
    }
    byte[] out = new byte[ENTRIES * entryBytes];
    for (int e = 0; e < ENTRIES; e++) {
      ByteString value = list.getFeature(e).getBytesList().getValue(0);
      if (value.size() != entryBytes) {
        throw new IllegalArgumentException(
            key
                + " entry "
                + e
                + " holds "
                + value.size()
                + " bytes, the layout has "
                + entryBytes);
      }
      value.copyTo(out, e * entryBytes);
    }
    return out;
  }

  private static Feature int64(long v) {
    return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(v)).build();
  }

  private static Feature bytes(byte[] b) {
    return Feature.newBuilder()
        .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(b)))
        .build();
  }
}
