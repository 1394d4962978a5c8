package ai.avloc.ingest;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * Cuts a run of 12288 Hz mono samples into chunks of a fixed size. Each chunk is handed over with
 * the index of its first sample on the current timeline, so its time follows from the sample count
 * and chunks tile without gaps or overlaps. Not thread-safe.
 */
public final class AudioChunker {
  /** Receives each complete (or flushed) chunk: the first {@code count} samples of {@code pcm}. */
  public interface Sink {
    void chunk(short[] pcm, int count, long firstSample);
  }

  private final short[] pending;
  private int pendingCount;
  private long emitted;

  public AudioChunker(int chunkSamples) {
    this.pending = new short[chunkSamples];
  }

  /** Appends the samples, handing each chunk they complete to {@code sink}. */
  public void add(ShortBuffer in, Sink sink) {
    while (in.hasRemaining()) {
      int n = Math.min(in.remaining(), pending.length - pendingCount);
      in.get(pending, pendingCount, n);
      pendingCount += n;
      if (pendingCount == pending.length) {
        flush(sink);
      }
    }
  }

  /** Hands the pending samples over as a (possibly short) chunk, if there are any. */
  public void flush(Sink sink) {
    if (pendingCount > 0) {
      sink.chunk(pending, pendingCount, emitted);
      emitted += pendingCount;
      pendingCount = 0;
    }
  }

  /**
   * Starts a new timeline: pending samples are dropped and the next sample is index 0.
   *
   * @return the samples dropped
   */
  public int restart() {
    int dropped = pendingCount;
    pendingCount = 0;
    emitted = 0;
    return dropped;
  }

  /** Samples on the current timeline so far, handed over or pending. */
  public long samples() {
    return emitted + pendingCount;
  }

  /** Samples handed over in chunks on the current timeline. */
  public long emitted() {
    return emitted;
  }

  /** A mono chunk of the first {@code count} samples of {@code pcm}, PCM16 little-endian. */
  public static AudioChunk chunk(
      String streamId, long sequence, long epochMicros, short[] pcm, int count) {
    ByteBuffer bytes = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      bytes.putShort(pcm[i]);
    }
    bytes.flip();
    return AudioChunk.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setTimestamp(CameraEvent.instant(epochMicros))
        .setSampleRate(WindowClock.SAMPLE_RATE)
        .setPcm16(bytes)
        .build();
  }
}
