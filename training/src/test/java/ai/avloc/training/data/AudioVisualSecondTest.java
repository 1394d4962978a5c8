package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.FeatureList;
import org.tensorflow.proto.SequenceExample;

class AudioVisualSecondTest {
  @TempDir Path dir;

  static AudioVisualSecond second(long seed) {
    Random r = new Random(seed);
    float[] images = new float[12 * 36 * 48 * 12];
    for (int i = 0; i < images.length; i++) {
      images[i] = r.nextFloat() * 1000 - 500;
    }
    int[] audio = new int[12 * 1024];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = r.nextInt(65536) - 32768;
    }
    byte[] frames = new byte[12 * 224 * 298 * 3];
    r.nextBytes(frames);
    return new AudioVisualSecond(Map.of("classes", 3L, "location", 17L), images, audio, frames);
  }

  @Test
  void aSecondSurvivesAGzipTfRecordFile() throws IOException {
    AudioVisualSecond a = second(1);
    AudioVisualSecond b = second(2);
    Path file = dir.resolve("Data_001.tfrecord");
    TfRecords.write(file, List.of(a.toBytes(), b.toBytes()), true);
    List<byte[]> records = TfRecords.read(file);
    assertEquals(2, records.size());
    AudioVisualSecond back = AudioVisualSecond.parse(records.get(0));
    assertEquals(Map.of("classes", 3L, "location", 17L), back.labels());
    assertArrayEquals(a.acousticImages(), back.acousticImages());
    assertArrayEquals(a.audio(), back.audio());
    assertArrayEquals(a.frames(), back.frames());
    assertArrayEquals(b.audio(), AudioVisualSecond.parse(records.get(1)).audio());
  }

  @Test
  void theLayoutsSizeKeysAndEntryCountsAreChecked() throws Exception {
    SequenceExample ok = SequenceExample.parseFrom(second(3).toBytes());
    assertEquals(
        224L, ok.getContext().getFeatureMap().get("video/height").getInt64List().getValue(0));

    SequenceExample wrongSize =
        ok.toBuilder()
            .setContext(
                ok.getContext().toBuilder()
                    .putFeature(
                        "audio_data/samples",
                        org.tensorflow.proto.Feature.newBuilder()
                            .setInt64List(
                                org.tensorflow.proto.Int64List.newBuilder().addValue(2048))
                            .build()))
            .build();
    var size =
        assertThrows(
            IllegalArgumentException.class, () -> AudioVisualSecond.parse(wrongSize.toByteArray()));
    assertTrue(size.getMessage().contains("audio_data/samples is 2048"), size.getMessage());

    FeatureList eleven =
        ok.getFeatureLists().getFeatureListMap().get("audio/data").toBuilder()
            .removeFeature(11)
            .build();
    SequenceExample short1 =
        ok.toBuilder()
            .setFeatureLists(ok.getFeatureLists().toBuilder().putFeatureList("audio/data", eleven))
            .build();
    var count =
        assertThrows(
            IllegalArgumentException.class, () -> AudioVisualSecond.parse(short1.toByteArray()));
    assertTrue(count.getMessage().contains("audio/data has 11 entries"), count.getMessage());

    var garbage =
        assertThrows(
            IllegalArgumentException.class, () -> AudioVisualSecond.parse(new byte[] {9, 9, 9}));
    assertTrue(garbage.getMessage().startsWith("not a SequenceExample"), garbage.getMessage());
  }

  @Test
  void theLoadersTargetsAndInputs() {
    float[] images = new float[12 * 36 * 48 * 12];
    // entry 1: value = 10 * row + col at coefficient 0, -5 elsewhere
    int size = 36 * 48 * 12;
    for (int r = 0; r < 36; r++) {
      for (int c = 0; c < 48; c++) {
        for (int k = 0; k < 12; k++) {
          images[size + (r * 48 + c) * 12 + k] = k == 0 ? 10 * r + c : -5;
        }
      }
    }
    byte[] frames = new byte[12 * 224 * 298 * 3];
    int frame = 224 * 298 * 3;
    frames[frame] = (byte) 255; // entry 1, pixel 0: B = 255, G = 0, R = 51
    frames[frame + 2] = (byte) 51;
    int[] audio = new int[12 * 1024];
    audio[1024 + 7] = -1234;
    AudioVisualSecond s = new AudioVisualSecond(Map.of(), images, audio, frames);

    float[] target = s.target(1);
    double max = 10 * 35 + 47;
    // rotated: output (0, 0) is input (35, 47), the largest value; output (35, 47) is input (0, 0)
    assertEquals(1f, target[0], 1e-6f);
    assertEquals((0 + 5) / (max + 5), target[(35 * 48 + 47) * 12], 1e-6);
    assertEquals(0f, target[1], 0f, "the -5 coefficients are the minimum");
    assertEquals((10 * 33 + 40 + 5) / (max + 5), target[(2 * 48 + 7) * 12], 1e-6);
    assertTrue(java.util.Arrays.stream(toDoubles(s.target(0))).allMatch(v -> v == 0), "constant");

    float[] rgb = s.rgb(1);
    assertEquals(0.2f, rgb[0], 1e-6f);
    assertEquals(0f, rgb[1], 0f);
    assertEquals(1f, rgb[2], 0f);
    assertEquals(-1234f, s.samples(1)[7], 0f);
  }

  static double[] toDoubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
