package ai.avloc.cli.replay;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Reads a written clip back: its streams through the real ffprobe, its frames through FFmpeg. */
public final class ClipProbe {
  private ClipProbe() {}

  /** ffprobe's stream and format entries as {@code index.key} and {@code format.key}. */
  public static Map<String, String> ffprobe(Path mp4) throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "ffprobe",
                  "-v",
                  "error",
                  "-show_entries",
                  "format=duration:stream=index,codec_type,codec_name,r_frame_rate,avg_frame_rate,"
                      + "nb_frames,width",
                  "-of",
                  "default=noprint_wrappers=0",
                  mp4.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError("ffprobe is missing: install the Debian package ffmpeg", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("ffprobe failed on " + mp4 + ":\n" + out);
    }
    Map<String, String> entries = new HashMap<>();
    String section = null;
    for (String line : out.split("\n")) {
      line = line.strip();
      if (line.equals("[STREAM]")) {
        section = "stream";
      } else if (line.equals("[FORMAT]")) {
        section = "format";
      } else if (line.startsWith("index=")) {
        section = line.substring("index=".length());
      } else if (line.contains("=") && section != null) {
        int eq = line.indexOf('=');
        entries.put(section + "." + line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return entries;
  }

  /** Every frame of the clip, as RGB images. */
  public static List<BufferedImage> decode(Path mp4) throws Exception {
    List<BufferedImage> images = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(mp4.toFile());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      Frame f;
      while ((f = grabber.grabImage()) != null) {
        BufferedImage view = converter.convert(f);
        BufferedImage copy =
            new BufferedImage(view.getWidth(), view.getHeight(), BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(view, 0, 0, null);
        images.add(copy);
      }
      grabber.stop();
    }
    return images;
  }
}
