package ai.avloc.schemas;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The input contract: the largest record, field, image, sample and clock error avloc accepts from a
 * camera or a user. Decoders apply these before they allocate ({@link AvroSerde}), validation
 * applies the rest before an event enters a window; whatever breaks one becomes a dead letter that
 * names the limit. Each value is an order of magnitude above what a working gateway sends, so only
 * broken or hostile input meets it.
 */
public final class InputLimits {
  /**
   * The largest record any avloc topic may carry, in bytes. A broker refuses more than 1 MiB by
   * default, but it counts compressed batches, so one lz4 batch can carry a record many times that
   * size; decoding refuses it before reading a field. 5 MiB holds the largest legitimate record, a
   * frame with both its JPEG and its snapshot at their limits (4 MiB), with room for the rest.
   */
  public static final int MAX_RECORD_BYTES = 5 << 20;

  /**
   * A frame's JPEG: gateways send the model's 298 x 224, about 20 KB at quality 0.9; a JPEG of the
   * largest accepted image ({@link #MAX_FRAME_WIDTH} x {@link #MAX_FRAME_HEIGHT}) at quality 1.0
   * stays under 1 MiB.
   */
  public static final int MAX_JPEG_BYTES = 1 << 20;

  /** A frame's optional full-resolution snapshot: a 4K JPEG at high quality is about 2–3 MB. */
  public static final int MAX_SNAPSHOT_JPEG_BYTES = 3 << 20;

  /**
   * A mono chunk's PCM16 bytes: gateways send one window (1024 samples, 2 KiB); 10 s of audio
   * (245,760 bytes) is the most one chunk may span.
   */
  public static final int MAX_PCM_BYTES = 10 * WindowClock.SAMPLE_RATE * 2;

  /**
   * An array chunk's float32 block: one window of the largest built-in array (128 microphones x
   * 1024 samples x 4 bytes) is 512 KiB; four windows of it are the most one chunk may span.
   */
  public static final int MAX_ARRAY_BYTES = 4 * 128 * WindowClock.SAMPLES_PER_WINDOW * 4;

  /**
   * Any other string field (geometry ids, rule names, topic names, error texts): none is written
   * longer than a few hundred bytes.
   */
  public static final int MAX_STRING_BYTES = 64 << 10;

  /**
   * Items of any array field (an alert rule's stream ids and zone points, a localization's peaks):
   * the rules topic is read whole into memory on every alerts instance.
   */
  public static final int MAX_ITEMS = 10_000;

  /**
   * Stream ids, in characters: the id keys every localization, alert and piece of per-camera state,
   * so it is bounded tight. Gateways default to a media file's name, which file systems cap at 255
   * bytes.
   */
  public static final int MAX_STREAM_ID_CHARS = 255;

  /**
   * A stream id's bytes on the wire: {@link #MAX_STREAM_ID_CHARS} characters of up to 4 UTF-8 bytes
   * each. Decoding refuses a longer one before it allocates; validation then counts characters.
   */
  public static final int MAX_STREAM_ID_BYTES = 4 * MAX_STREAM_ID_CHARS;

  /**
   * The largest image a frame may declare: 4 x the model's input each way. The job scales every
   * frame to the model's size, so a larger one only costs memory (a 20000 x 20000 header would
   * decode into 1.6 GB).
   */
  public static final int MAX_FRAME_WIDTH = 4 * ModelShapes.FRAME_WIDTH;

  public static final int MAX_FRAME_HEIGHT = 4 * ModelShapes.FRAME_HEIGHT;

  /**
   * The largest magnitude of an array sample. Samples are pascals or full-scale units: the loudest
   * sound air carries peaks near 1e5 Pa (194 dB SPL), full scale is 1. At 1e6 the beamformer's
   * power (squares of sums over 1024-point spectra and 128 microphones, summed over the band) stays
   * below 1e26, far from float32's 3.4e38; a sample of 1e30 would make the map infinite.
   */
  public static final float MAX_ARRAY_SAMPLE = 1e6f;

  /**
   * The earliest event time accepted: a fixed date rather than one relative to now, so a replay of
   * an archive with its original timestamps still passes however old it is, while a camera clock
   * reset to 1970 (or a negative time, which Kafka cannot carry) does not.
   */
  public static final Instant EARLIEST_EVENT = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * How far ahead of processing time an event may lie. A synchronized camera is within a second; 60
   * s also covers a gateway publishing faster than real time from a start a little in the past.
   * Brokers refuse record timestamps more than 1 h ahead, and an event ahead of time holds a window
   * open until the clock catches up.
   */
  public static final Duration MAX_AHEAD = Duration.ofSeconds(60);

  /**
   * The largest dead letter value kept whole: a topic takes 1 MiB by default; the rest of the
   * letter (bounded key, error text, topic, stage) fits in the 64 KiB left over.
   */
  public static final int MAX_DEAD_LETTER_VALUE_BYTES = (1 << 20) - (64 << 10);

  /** A dead letter's key, kept whole up to this many bytes (a long stream id is cut). */
  public static final int MAX_DEAD_LETTER_KEY_BYTES = 4 * MAX_STREAM_ID_CHARS;

  /** A dead letter's error text, in characters. */
  public static final int MAX_DEAD_LETTER_ERROR_CHARS = 8 << 10;

  /**
   * Fields with their own bound, by record name and field name; a {@code bytes} or {@code string}
   * field's bound is in bytes, an array's in items. Every other string takes {@link
   * #MAX_STRING_BYTES}, every other bytes field the record's size, every other array {@link
   * #MAX_ITEMS}.
   */
  private static final Map<String, Integer> FIELDS =
      Map.ofEntries(
          Map.entry("VideoFrame.jpeg", MAX_JPEG_BYTES),
          Map.entry("VideoFrame.snapshotJpeg", MAX_SNAPSHOT_JPEG_BYTES),
          Map.entry("AudioChunk.pcm16", MAX_PCM_BYTES),
          Map.entry("ArrayChunk.float32", MAX_ARRAY_BYTES),
          Map.entry("VideoFrame.streamId", MAX_STREAM_ID_BYTES),
          Map.entry("AudioChunk.streamId", MAX_STREAM_ID_BYTES),
          Map.entry("ArrayChunk.streamId", MAX_STREAM_ID_BYTES),
          Map.entry("Localization.streamId", MAX_STREAM_ID_BYTES),
          Map.entry("AcousticImage.streamId", MAX_STREAM_ID_BYTES),
          Map.entry("Alert.streamId", MAX_STREAM_ID_BYTES));

  private InputLimits() {}

  /**
   * The bound of field {@code field} of record {@code record} (simple names), or {@code fallback}
   * when the field has none of its own.
   */
  public static int field(String record, String field, int fallback) {
    return FIELDS.getOrDefault(record + "." + field, fallback);
  }

  /**
   * Why a stream id is not acceptable, or null when it is: blank, longer than {@link
   * #MAX_STREAM_ID_CHARS}, holding a control or format character (a newline splits log lines, a
   * right-to-left override disguises the id on a dashboard), or a "." or ".." between slashes: ids
   * may name a path such as "site/gate", but a browser resolves "site/../gate" in a URL to "gate",
   * so the dashboard would show, and acknowledge alerts of, another camera.
   */
  public static String streamIdProblem(CharSequence id) {
    if (id == null || id.toString().isBlank()) {
      return "no stream id";
    }
    if (id.length() > MAX_STREAM_ID_CHARS) {
      return "stream id of " + id.length() + " characters, at most " + MAX_STREAM_ID_CHARS;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT) {
        return String.format("stream id holds control character U+%04X at %d", (int) c, i);
      }
    }
    for (String segment : id.toString().split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return "stream id holds a '" + segment + "' path segment";
      }
    }
    return null;
  }

  /**
   * Why event time {@code micros} is not acceptable at processing time {@code nowMillis}, or null
   * when it is.
   */
  public static String eventTimeProblem(long micros, long nowMillis) {
    long earliest = EARLIEST_EVENT.toEpochMilli() * 1000;
    if (micros < earliest) {
      return "timestamp " + describe(micros) + " is before " + EARLIEST_EVENT;
    }
    long latest = (nowMillis + MAX_AHEAD.toMillis()) * 1000;
    if (micros > latest) {
      return "timestamp "
          + describe(micros)
          + " is "
          + Duration.ofMillis(Math.floorDiv(micros, 1000) - nowMillis).toSeconds()
          + " s ahead of processing time, at most "
          + MAX_AHEAD.toSeconds()
          + " s";
    }
    return null;
  }

  private static String describe(long micros) {
    // any long of microseconds lies within Instant's range
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }
}
