package ai.avloc.stream.kafka;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.InputLimits;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.features.FramePixels;
import ai.avloc.stream.job.ArrayEvent;
import ai.avloc.stream.job.AudioEvent;
import ai.avloc.stream.job.FrameEvent;
import java.awt.Dimension;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the job checks before an event may enter a window ({@link InputLimits}: stream id, event
 * time against processing time, image size, sample magnitude, and each record's own consistency);
 * each failure is an {@link InvalidEvent} that says what is wrong.
 */
public final class Validation {
  private Validation() {}

  public static FrameEvent frame(VideoFrame v, long ingestMillis) {
    return frame(v, ingestMillis, System.currentTimeMillis());
  }

  /**
   * @param nowMillis processing time, against which the event time is checked
   */
  public static FrameEvent frame(VideoFrame v, long ingestMillis, long nowMillis) {
    String what = checked("frame " + v.getSequence(), v.getStreamId(), v.getTimestamp(), nowMillis);
    FrameEvent e = FrameEvent.of(v, ingestMillis);
    byte[] jpeg = e.frame().jpeg();
    // SOI at the start and EOI at the end: a cheap test that catches garbage and truncated JPEGs
    require(
        jpeg.length >= 4 && (jpeg[0] & 0xff) == 0xFF && (jpeg[1] & 0xff) == 0xD8,
        "jpeg",
        what + ": not a JPEG (no start-of-image marker)");
    require(
        (jpeg[jpeg.length - 2] & 0xff) == 0xFF && (jpeg[jpeg.length - 1] & 0xff) == 0xD9,
        "jpeg",
        what + ": truncated JPEG (no end-of-image marker)");
    Dimension size;
    try {
      size = FramePixels.size(jpeg);
    } catch (IOException unreadable) {
      // an unreadable header is the decoder's to report, with the frame's window
      return e;
    }
    String problem = FramePixels.sizeProblem(size.width, size.height);
    require(problem == null, "image-size", what + ": " + problem);
    return e;
  }

  /** {@link #checked}, and the chunk's sample rate is the job's: the name to report it by. */
  private static String checkedChunk(
      String what, CharSequence streamId, Instant timestamp, int sampleRate, long nowMillis) {
    String named = checked(what, streamId, timestamp, nowMillis);
    require(
        sampleRate == WindowClock.SAMPLE_RATE,
        "sample-rate",
        named
            + ": sample rate "
            + sampleRate
            + " Hz, the job takes "
            + WindowClock.SAMPLE_RATE
            + " Hz");
    return named;
  }

  public static AudioEvent audio(AudioChunk c, long ingestMillis) {
    return audio(c, ingestMillis, System.currentTimeMillis());
  }

  public static AudioEvent audio(AudioChunk c, long ingestMillis, long nowMillis) {
    String what =
        checkedChunk(
            "audio chunk " + c.getSequence(),
            c.getStreamId(),
            c.getTimestamp(),
            c.getSampleRate(),
            nowMillis);
    require(
        c.getPcm16().remaining() % 2 == 0,
        "samples",
        what + ": odd byte count " + c.getPcm16().remaining() + " for 16-bit samples");
    return AudioEvent.of(c, ingestMillis);
  }

  public static ArrayEvent array(ArrayChunk c, long ingestMillis) {
    return array(c, ingestMillis, System.currentTimeMillis());
  }

  public static ArrayEvent array(ArrayChunk c, long ingestMillis, long nowMillis) {
    String what =
        checkedChunk(
            "array chunk " + c.getSequence(),
            c.getStreamId(),
            c.getTimestamp(),
            c.getSampleRate(),
            nowMillis);
    require(
        BuiltinArrays.names().contains(c.getGeometryId()),
        "geometry",
        what
            + ": unknown geometry '"
            + c.getGeometryId()
            + "' (known: "
            + BuiltinArrays.names()
            + ")");
    int mics = BuiltinArrays.byName(c.getGeometryId()).size();
    require(
        c.getChannels() == mics,
        "channels",
        what
            + ": "
            + c.getChannels()
            + " channels, geometry "
            + c.getGeometryId()
            + " has "
            + mics);
    require(c.getSamplesPerChannel() > 0, "samples", what + ": no samples");
    require(
        c.getFloat32().remaining() == 4L * c.getChannels() * c.getSamplesPerChannel(),
        "samples",
        what
            + ": "
            + c.getFloat32().remaining()
            + " bytes for "
            + c.getChannels()
            + " x "
            + c.getSamplesPerChannel()
            + " float32 samples");
    ArrayEvent e = ArrayEvent.of(c, ingestMillis);
    float[] samples = e.samples();
    for (int i = 0; i < samples.length; i++) {
      float v = samples[i];
      // the messages are built only for a bad sample: a chunk holds 131,072 good ones, and building
      // them for each cost more than beamforming the chunk
      if (Math.abs(v) <= InputLimits.MAX_ARRAY_SAMPLE) {
        continue; // false for NaN too
      }
      require(Float.isFinite(v), "sample-magnitude", what + ": a sample is NaN or infinite");
      // finite but absurd values square to infinity in the beamformer's power
      require(
          false,
          "sample-magnitude",
          what
              + ": sample "
              + i % c.getSamplesPerChannel()
              + " of channel "
              + i / c.getSamplesPerChannel()
              + " is "
              + v
              + ", at most "
              + InputLimits.MAX_ARRAY_SAMPLE
              + " in magnitude");
    }
    return e;
  }

  /**
   * Checks the stream id and the event time every record carries.
   *
   * @param record the record's kind and sequence number, for messages
   * @return how later messages name the record: kind, sequence and stream
   */
  private static String checked(
      String record, CharSequence streamId, Instant timestamp, long nowMillis) {
    String idProblem = InputLimits.streamIdProblem(streamId);
    // a refused id is not repeated: it may be half a megabyte or hold a newline
    require(idProblem == null, "stream-id", record + ": " + idProblem);
    String what = record + " of " + streamId;
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, timestamp);
    String timeProblem = InputLimits.eventTimeProblem(micros, nowMillis);
    require(timeProblem == null, "timestamp", what + ": " + timeProblem);
    return what;
  }

  private static void require(boolean condition, String reason, String message) {
    if (!condition) {
      throw new InvalidEvent(reason, message);
    }
  }
}
