package ai.avloc.ingest;

import java.io.IOException;

/**
 * One camera stream as a pull source: the gateway asks each camera for its next event and publishes
 * the earliest, so several cameras interleave by event time.
 */
public interface CameraSource extends AutoCloseable {
  String streamId();

  /**
   * The next event, in non-decreasing event time ({@link CameraEvent#BY_TIME}), or null once the
   * stream has ended.
   *
   * @throws IOException if the media cannot be read or encoded
   */
  CameraEvent next() throws IOException;

  /** Releases decoders and buffers; safe to call twice. */
  @Override
  void close();
}
