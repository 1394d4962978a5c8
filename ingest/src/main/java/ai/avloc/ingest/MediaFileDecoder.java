package ai.avloc.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Decodes a media file with FFmpeg into a camera stream's events, pushed to a sink in event-time
 * order: the one-pass, push form of {@link MediaFileSource}, which says how frames and audio are
 * made. Media timestamps are mapped to wall clock once: event time = {@code wallStart} + media
 * time.
 */
public final class MediaFileDecoder {
  private final DecodeOptions options;

  public MediaFileDecoder(DecodeOptions options) {
    this.options = options;
  }

  /** What one pass over a file produced. */
  public record Summary(
      long frames,
      long framesDropped,
      long audioSamples,
      double mediaSeconds,
      double sourceFps,
      boolean hasAudio) {}

  public Summary decode(Path file, String streamId, Instant wallStart, CameraEvents events)
      throws IOException {
    try (MediaFileSource source = new MediaFileSource(file, streamId, wallStart, options, false)) {
      CameraEvent event;
      while ((event = source.next()) != null) {
        event.sendTo(events);
      }
      return source.summary();
    }
  }
}
