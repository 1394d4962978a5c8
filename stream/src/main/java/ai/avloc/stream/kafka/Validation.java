package ai.avloc.stream.kafka;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.job.ArrayEvent;
import ai.avloc.stream.job.AudioEvent;
import ai.avloc.stream.job.FrameEvent;

/** What the job checks before an event may enter a window; each failure says what is wrong. */
public final class Validation {
  private Validation() {}

  public static FrameEvent frame(VideoFrame v, long ingestMillis) {
    require(!v.getStreamId().isBlank(), "frame without a stream id");
    FrameEvent e = FrameEvent.of(v, ingestMillis);
    byte[] jpeg = e.frame().jpeg();
    // SOI at the start and EOI at the end: a cheap test that catches garbage and truncated JPEGs
    require(
        jpeg.length >= 4 && (jpeg[0] & 0xff) == 0xFF && (jpeg[1] & 0xff) == 0xD8,
        "frame "
            + v.getSequence()
            + " of "
            + v.getStreamId()
            + ": not a JPEG (no start-of-image marker)");
    require(
        (jpeg[jpeg.length - 2] & 0xff) == 0xFF && (jpeg[jpeg.length - 1] & 0xff) == 0xD9,
        "frame "
            + v.getSequence()
            + " of "
            + v.getStreamId()
            + ": truncated JPEG (no end-of-image marker)");
    return e;
  }

  public static AudioEvent audio(AudioChunk c, long ingestMillis) {
    require(!c.getStreamId().isBlank(), "audio chunk without a stream id");
    require(
        c.getSampleRate() == WindowClock.SAMPLE_RATE,
        "audio chunk "
            + c.getSequence()
            + " of "
            + c.getStreamId()
            + ": sample rate "
            + c.getSampleRate()
            + " Hz, the job takes "
            + WindowClock.SAMPLE_RATE
            + " Hz");
    require(
        c.getPcm16().remaining() % 2 == 0,
        "audio chunk "
            + c.getSequence()
            + " of "
            + c.getStreamId()
            + ": odd byte count "
            + c.getPcm16().remaining()
            + " for 16-bit samples");
    return AudioEvent.of(c, ingestMillis);
  }

  public static ArrayEvent array(ArrayChunk c, long ingestMillis) {
    String what = "array chunk " + c.getSequence() + " of " + c.getStreamId();
    require(!c.getStreamId().isBlank(), "array chunk without a stream id");
    require(
        c.getSampleRate() == WindowClock.SAMPLE_RATE,
        what
            + ": sample rate "
            + c.getSampleRate()
            + " Hz, the job takes "
            + WindowClock.SAMPLE_RATE
            + " Hz");
    require(
        BuiltinArrays.names().contains(c.getGeometryId()),
        what
            + ": unknown geometry '"
            + c.getGeometryId()
            + "' (known: "
            + BuiltinArrays.names()
            + ")");
    int mics = BuiltinArrays.byName(c.getGeometryId()).size();
    require(
        c.getChannels() == mics,
        what
            + ": "
            + c.getChannels()
            + " channels, geometry "
            + c.getGeometryId()
            + " has "
            + mics);
    require(c.getSamplesPerChannel() > 0, what + ": no samples");
    require(
        c.getFloat32().remaining() == 4L * c.getChannels() * c.getSamplesPerChannel(),
        what
            + ": "
            + c.getFloat32().remaining()
            + " bytes for "
            + c.getChannels()
            + " x "
            + c.getSamplesPerChannel()
            + " float32 samples");
    ArrayEvent e = ArrayEvent.of(c, ingestMillis);
    for (float v : e.samples()) {
      require(Float.isFinite(v), what + ": a sample is NaN or infinite");
    }
    return e;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
