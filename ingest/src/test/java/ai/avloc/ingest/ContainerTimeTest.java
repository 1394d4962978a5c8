package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.testsupport.RealData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerTimeTest {
  @TempDir Path dir;

  @Test
  @Tag("real-data")
  void shouldReadTheRecordingStartOfARealClip() {
    assertEquals(
        Optional.of(Instant.parse("2018-04-19T22:46:00Z")),
        ContainerTime.creationTime(RealData.file("car-detection.mp4")));
  }

  @Test
  void shouldReadTheTagAnExportWrites() throws Exception {
    // MP4 keeps whole seconds since 1904
    Path tagged = record("export.mp4", Map.of("creation_time", "2026-12-01T03:15:42.000000Z"));
    assertEquals(
        Optional.of(Instant.parse("2026-12-01T03:15:42Z")), ContainerTime.creationTime(tagged));
  }

  @Test
  void shouldGiveNothingForAContainerWithoutTheTag() throws Exception {
    assertTrue(ContainerTime.creationTime(record("plain.mkv", Map.of())).isEmpty());
  }

  @Test
  void shouldRejectWhatIsNotMedia() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.mp4"), "not a movie");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ContainerTime.creationTime(junk));
    assertTrue(e.getMessage().contains("junk.mp4"), e.getMessage());
  }

  /** Five black 64x48 frames in a container with these metadata tags. */
  private Path record(String name, Map<String, String> tags) throws Exception {
    Path file = dir.resolve(name);
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 64, 48, 0)) {
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setFrameRate(10);
      recorder.setMetadata(tags);
      recorder.start();
      Java2DFrameConverter converter = new Java2DFrameConverter();
      for (int k = 0; k < 5; k++) {
        recorder.record(converter.convert(new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR)));
      }
    }
    return file;
  }
}
