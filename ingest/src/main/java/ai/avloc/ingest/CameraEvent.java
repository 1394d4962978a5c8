package ai.avloc.ingest;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/**
 * One event of a camera stream with its event time in microseconds since the epoch, so sources can
 * be merged by time without knowing which record each event carries.
 */
public sealed interface CameraEvent {
  /** Event time, microseconds since the epoch (the record's own timestamp). */
  long micros();

  String streamId();

  /** Hands the record to the sink method of its kind. */
  void sendTo(CameraEvents sink);

  /** Tie-break between kinds at one time: frame, then mono audio, then array audio. */
  int kindOrder();

  /** By event time, then kind: the order in which a gateway publishes. */
  Comparator<CameraEvent> BY_TIME =
      Comparator.comparingLong(CameraEvent::micros).thenComparingInt(CameraEvent::kindOrder);

  static CameraEvent of(VideoFrame frame) {
    return new Frame(frame, epochMicros(frame.getTimestamp()));
  }

  static CameraEvent of(AudioChunk chunk) {
    return new Audio(chunk, epochMicros(chunk.getTimestamp()));
  }

  static CameraEvent of(ArrayChunk chunk) {
    return new Array(chunk, epochMicros(chunk.getTimestamp()));
  }

  static long epochMicros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  static Instant instant(long epochMicros) {
    return Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS);
  }

  record Frame(VideoFrame value, long micros) implements CameraEvent {
    @Override
    public String streamId() {
      return value.getStreamId();
    }

    @Override
    public void sendTo(CameraEvents sink) {
      sink.frame(value);
    }

    @Override
    public int kindOrder() {
      return 0;
    }
  }

  record Audio(AudioChunk value, long micros) implements CameraEvent {
    @Override
    public String streamId() {
      return value.getStreamId();
    }

    @Override
    public void sendTo(CameraEvents sink) {
      sink.audio(value);
    }

    @Override
    public int kindOrder() {
      return 1;
    }
  }

  record Array(ArrayChunk value, long micros) implements CameraEvent {
    @Override
    public String streamId() {
      return value.getStreamId();
    }

    @Override
    public void sendTo(CameraEvents sink) {
      sink.array(value);
    }

    @Override
    public int kindOrder() {
      return 2;
    }
  }
}
