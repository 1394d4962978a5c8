package ai.avloc.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * When a recording started, as its container says: an NVR export keeps the camera's time in the
 * {@code creation_time} tag (MP4/MOV, Matroska), so replaying it with that time puts its windows
 * where the incident happened rather than at the moment of the replay.
 */
public final class ContainerTime {
  private ContainerTime() {}

  /**
   * The container's {@code creation_time}, or empty when it has none (or one FFmpeg cannot read as
   * an ISO-8601 instant).
   *
   * @throws IllegalArgumentException if the file is missing or not media FFmpeg can open
   */
  public static Optional<Instant> creationTime(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    try (FFmpegFrameGrabber probe = new FFmpegFrameGrabber(file.toFile())) {
      probe.start();
      String tag = probe.getMetadata("creation_time");
      if (tag == null || tag.isBlank()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Instant.parse(tag.strip()));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    } catch (FrameGrabber.Exception e) {
      throw new IllegalArgumentException(
          file + ": FFmpeg cannot open it as media: " + e.getMessage(), e);
    }
  }
}
