package ai.avloc.cli.replay;

import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.job.ReplayRange;
import ai.avloc.stream.kafka.Validation;
import ai.avloc.training.data.SiteDataset;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Reads an array camera's archive back as whole seconds for {@link SiteDataset}: the array's
 * samples ({@code array-audio} topic), and the input camera's frames and microphone audio, or with
 * {@code sameCamera} the array camera's own frames and its reference microphone (channel 0, the
 * gateway's mono microphone) taken from the array chunks themselves.
 *
 * <p>Samples are placed on the global 12288 Hz grid ({@link WindowClock#sampleAt}), so chunks of
 * any length and the windows line up as the job's aligner lines them up; each window's frame is the
 * one nearest its centre, as the job picks it, from frames less than a window away. A second is
 * kept only when every sample of both audio streams and a frame for each of its 12 windows are
 * there.
 *
 * <p>The range is checked first ({@link ArchiveRange#check}): a stream with no record in it is
 * refused with where its records are. Wrong sample rates and a second camera that never overlaps
 * the array camera are refused with the stream and the range.
 */
public final class ArchiveSeconds implements AutoCloseable {
  /** What becomes of each second of the range. */
  public interface Sink {
    void second(SiteDataset.Second second) throws IOException;
  }

  private static final int RATE = WindowClock.SAMPLE_RATE;
  private static final int ENTRIES = WindowClock.WINDOWS_PER_SECOND;
  private static final int FRAME_BYTES = ModelShapes.FRAME_HEIGHT * ModelShapes.FRAME_WIDTH * 3;
  private static final long WINDOW_MICROS = 1_000_000L / ENTRIES + 1;

  private final SiteDataset.Config config;
  private final ArchiveClips.Cursor<ArrayChunk> array;
  private final ArchiveClips.Cursor<VideoFrame> frames;
  private final ArchiveClips.Cursor<AudioChunk> audio;
  private final long fromMicros;
  private final long toMicros;
  private final TreeMap<Long, Buffer> open = new TreeMap<>();
  private final Map<String, Long> skipped = new TreeMap<>();
  private String badRate;
  private long[] arraySpan;
  private long[] inputSpan;

  /** One second being filled. */
  private static final class Buffer {
    final long second;
    String geometryId;
    float[][] array;
    int arraySamples;
    final int[] audio = new int[RATE];
    int audioSamples;
    final VideoFrame[] frames = new VideoFrame[ENTRIES];

    Buffer(long second) {
      this.second = second;
    }
  }

  /**
   * Checks the range against the archive and opens a reader on each stream.
   *
   * @param arrivalSlack how far from its event time a record's Kafka timestamp may be: the camera
   *     topics are stamped on arrival, and a gateway publishing a recording at full speed stamps
   *     records minutes from their event times
   */
  public ArchiveSeconds(
      KafkaConnection bootstrap, Topics topics, SiteDataset.Config config, Duration arrivalSlack) {
    this.config = config;
    List<String> streams =
        config.sameCamera()
            ? List.of(config.arrayStream())
            : List.of(config.arrayStream(), config.inputStream());
    ReplayRange range =
        new ReplayRange(config.from(), config.to(), streams, "collect", 0, arrivalSlack);
    ArchiveRange.check(bootstrap, topics, range);
    fromMicros = micros(config.from());
    toMicros = micros(config.to());
    array =
        new ArchiveClips.Cursor<>(
            bootstrap,
            topics.arrayAudio(),
            config.arrayStream(),
            range,
            c -> micros(c.getTimestamp()),
            c -> {
              rate(config.arrayStream(), "array audio", c.getSampleRate());
              // the job's own checks (sizes, geometry, timestamps): a record it would dead-letter,
              // a hostile size among them, is left out here, never allocated
              Validation.array(c, 0);
            });
    frames =
        new ArchiveClips.Cursor<>(
            bootstrap,
            topics.frames(),
            config.inputStream(),
            range,
            f -> micros(f.getTimestamp()),
            f -> Validation.frame(f, 0));
    audio =
        config.sameCamera()
            ? null
            : new ArchiveClips.Cursor<>(
                bootstrap,
                topics.audio(),
                config.inputStream(),
                range,
                a -> micros(a.getTimestamp()),
                a -> {
                  rate(config.inputStream(), "audio", a.getSampleRate());
                  Validation.audio(a, 0);
                });
  }

  private void rate(String stream, String what, int rate) {
    if (rate != RATE && badRate == null) {
      badRate =
          String.format(
              "stream %s's %s is at %d Hz in %s to %s; collect needs %d Hz (the gateway resamples"
                  + " to it)",
              stream, what, rate, config.from(), config.to(), RATE);
    }
  }

  /**
   * Reads the range and hands each complete second to {@code sink} in time order.
   *
   * @return seconds left out, by reason
   */
  public Map<String, Long> read(Sink sink) throws IOException {
    long first = config.firstSecond();
    long last = Math.floorDiv(toMicros, 1_000_000L); // exclusive
    // chunks that start up to a second early still fill the range's first second
    long readFrom = fromMicros - 1_000_000L;
    long written = 0;
    for (long s = first; s < last; ) {
      long end = (s + 1) * 1_000_000L;
      pull(readFrom, end + WINDOW_MICROS, first, last);
      Buffer b = open.remove(s);
      if (b == null) {
        skipped.merge("no records", 1L, Long::sum);
      } else {
        String why = missing(b);
        SiteDataset.Second second = null;
        if (why == null) {
          try {
            second = second(b);
          } catch (IOException undecodable) {
            why = "a frame that is no JPEG";
          }
        }
        if (second != null) {
          sink.second(second);
          written++;
        } else {
          skipped.merge(why, 1L, Long::sum);
        }
      }
      // over a gap in the archive, on to the next second anything is buffered or read for
      long next = last;
      Long buffered = open.ceilingKey(s + 1);
      if (buffered != null) {
        next = Math.min(next, buffered);
      }
      long ahead = nextTime(readFrom);
      if (ahead != Long.MAX_VALUE) {
        next = Math.min(next, Math.floorDiv(ahead, 1_000_000L));
      }
      next = Math.max(next, s + 1);
      if (next > s + 1) {
        skipped.merge("no records", next - s - 1, Long::sum);
      }
      s = next;
    }
    if (arraySpan == null) {
      throw new IllegalArgumentException(
          "stream "
              + config.arrayStream()
              + " has no array audio between "
              + config.from()
              + " and "
              + config.to()
              + ": is it an array camera? (its frames and mono audio are there)");
    }
    if (written == 0) {
      throw new IllegalArgumentException(noOverlap());
    }
    return skipped;
  }

  private String noOverlap() {
    String arrays = span(arraySpan);
    if (config.sameCamera()) {
      return "no complete second of stream "
          + config.arrayStream()
          + " between "
          + config.from()
          + " and "
          + config.to()
          + " (array audio "
          + arrays
          + "; seconds left out: "
          + skipped
          + ")";
    }
    return "streams "
        + config.arrayStream()
        + " (array audio "
        + arrays
        + ") and "
        + config.inputStream()
        + " (audio "
        + span(inputSpan)
        + ") never both have a whole second between "
        + config.from()
        + " and "
        + config.to()
        + ": the cameras' records do not overlap (seconds left out: "
        + skipped
        + ")";
  }

  private static String span(long[] span) {
    if (span == null) {
      return "none in the range";
    }
    return Instant.EPOCH.plus(span[0], ChronoUnit.MICROS)
        + " to "
        + Instant.EPOCH.plus(span[1], ChronoUnit.MICROS);
  }

  /** Reads every cursor up to event time {@code until}. */
  private void pull(long readFrom, long until, long first, long last) {
    ArrayChunk c;
    while ((c = array.peek(readFrom, toMicros)) != null && micros(c.getTimestamp()) < until) {
      array.take();
      checkRate();
      arraySpan = widen(arraySpan, micros(c.getTimestamp()), c.getSamplesPerChannel());
      addArray(c, first, last);
    }
    checkRate();
    VideoFrame f;
    while ((f = frames.peek(readFrom, toMicros)) != null && micros(f.getTimestamp()) < until) {
      frames.take();
      addFrame(f, first, last);
    }
    if (audio != null) {
      AudioChunk a;
      while ((a = audio.peek(readFrom, toMicros)) != null && micros(a.getTimestamp()) < until) {
        audio.take();
        checkRate();
        inputSpan = widen(inputSpan, micros(a.getTimestamp()), a.getPcm16().remaining() / 2);
        addAudio(a, first, last);
      }
      checkRate();
    }
  }

  private void checkRate() {
    if (badRate != null) {
      throw new IllegalArgumentException(badRate);
    }
  }

  /** The span with a chunk of {@code samples} from {@code t} added, to its last sample's end. */
  private static long[] widen(long[] span, long t, int samples) {
    long end = WindowClock.microsOfSample(WindowClock.sampleAt(t) + samples);
    return span == null
        ? new long[] {t, end}
        : new long[] {Math.min(span[0], t), Math.max(span[1], end)};
  }

  /** The earliest event time any cursor holds next, or MAX_VALUE when all are done. */
  private long nextTime(long readFrom) {
    long t = Long.MAX_VALUE;
    ArrayChunk c = array.peek(readFrom, toMicros);
    if (c != null) {
      t = Math.min(t, micros(c.getTimestamp()));
    }
    VideoFrame f = frames.peek(readFrom, toMicros);
    if (f != null) {
      t = Math.min(t, micros(f.getTimestamp()));
    }
    if (audio != null) {
      AudioChunk a = audio.peek(readFrom, toMicros);
      if (a != null) {
        t = Math.min(t, micros(a.getTimestamp()));
      }
    }
    return t;
  }

  private Buffer buffer(long second) {
    return open.computeIfAbsent(second, Buffer::new);
  }

  private void addArray(ArrayChunk c, long first, long last) {
    int channels = c.getChannels();
    int n = c.getSamplesPerChannel();
    ByteBuffer bytes = c.getFloat32().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.remaining() != 4L * channels * n) {
      return; // the job dead-letters a chunk whose size disagrees with its header
    }
    long n0 = WindowClock.sampleAt(micros(c.getTimestamp()));
    int base = bytes.position();
    for (int i = 0; i < n; i++) {
      long sample = n0 + i;
      long second = Math.floorDiv(sample, RATE);
      if (second < first || second >= last) {
        continue;
      }
      Buffer b = buffer(second);
      if (b.array == null) {
        b.array = new float[channels][RATE];
        b.geometryId = c.getGeometryId().toString();
      } else if (b.array.length != channels) {
        continue;
      }
      int at = (int) Math.floorMod(sample, RATE);
      for (int m = 0; m < channels; m++) {
        b.array[m][at] = bytes.getFloat(base + 4 * (m * n + i)) * MfccSpec.PCM16_SCALE;
      }
      b.arraySamples++;
      if (config.sameCamera()) {
        b.audio[at] = pcm16(b.array[0][at]);
        b.audioSamples++;
      }
    }
  }

  private void addAudio(AudioChunk a, long first, long last) {
    ByteBuffer bytes = a.getPcm16().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = bytes.remaining() / 2;
    int base = bytes.position();
    long n0 = WindowClock.sampleAt(micros(a.getTimestamp()));
    for (int i = 0; i < n; i++) {
      long sample = n0 + i;
      long second = Math.floorDiv(sample, RATE);
      if (second < first || second >= last) {
        continue;
      }
      Buffer b = buffer(second);
      b.audio[(int) Math.floorMod(sample, RATE)] = bytes.getShort(base + 2 * i);
      b.audioSamples++;
    }
  }

  /** Offers the frame to the windows whose centre lies less than a window from it. */
  private void addFrame(VideoFrame f, long first, long last) {
    long t = micros(f.getTimestamp());
    long w0 = WindowClock.windowOf(t);
    for (long w = w0 - 1; w <= w0 + 1; w++) {
      double centre = (WindowClock.startMicros(w) + WindowClock.endMicros(w)) / 2.0;
      if (Math.abs(t - centre) >= WINDOW_MICROS) {
        continue;
      }
      long second = Math.floorDiv(w, ENTRIES);
      if (second < first || second >= last) {
        continue;
      }
      Buffer b = buffer(second);
      int e = (int) Math.floorMod(w, ENTRIES);
      VideoFrame held = b.frames[e];
      // nearest the centre; a tie within 2 µs (frame times rounded to microseconds) to the earlier
      if (held == null
          || Math.abs(t - centre) < Math.abs(micros(held.getTimestamp()) - centre) - 2) {
        b.frames[e] = f;
      }
    }
  }

  private static int pcm16(float v) {
    return (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.rint(v)));
  }

  private static String missing(Buffer b) {
    if (b.arraySamples < RATE || b.array == null) {
      return "array audio incomplete";
    }
    if (b.audioSamples < RATE) {
      return "input audio incomplete";
    }
    for (VideoFrame f : b.frames) {
      if (f == null) {
        return "a window without a frame";
      }
    }
    return null;
  }

  private SiteDataset.Second second(Buffer b) throws IOException {
    byte[] bgr = new byte[ENTRIES * FRAME_BYTES];
    for (int e = 0; e < ENTRIES; e++) {
      System.arraycopy(bgr(b.frames[e]), 0, bgr, e * FRAME_BYTES, FRAME_BYTES);
    }
    return new SiteDataset.Second(b.second, b.geometryId, b.array, b.audio, bgr);
  }

  /** The frame as 224 x 298 BGR bytes, scaled when the camera sends another size. */
  static byte[] bgr(VideoFrame f) throws IOException {
    byte[] jpeg = new byte[f.getJpeg().remaining()];
    f.getJpeg().duplicate().get(jpeg);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
    if (decoded == null) {
      throw new IOException("frame " + f.getSequence() + " of " + f.getStreamId() + " is no JPEG");
    }
    BufferedImage out =
        new BufferedImage(
            ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(decoded, 0, 0, ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT, null);
    g.dispose();
    return ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  @Override
  public void close() {
    array.close();
    frames.close();
    if (audio != null) {
      audio.close();
    }
  }
}
