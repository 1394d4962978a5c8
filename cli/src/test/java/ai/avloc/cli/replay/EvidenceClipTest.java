package ai.avloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceClipTest {
  static final String CAMERA = "cam-evidence";
  static final int GREY = 128;

  /** 2026-12-04T10:00:00Z falls on a window boundary (a whole second). */
  static final long FIRST_WINDOW =
      WindowClock.windowOf(micros(Instant.parse("2026-12-04T10:00:00Z")));

  static final int WINDOWS = 36; // 3 s
  static final int HOT_ROW = 12;
  static final int HOT_COL = 30;
  static final Set<Integer> SILENT = Set.of(10, 11, 12);
  static final int MISSING = 20;

  @TempDir Path dir;

  @Test
  void shouldWriteThreeSecondsOfH264AndAacWithTheMapBurnedInAtThePeak() throws Exception {
    Path mp4 = dir.resolve(CAMERA + ".mp4");
    EvidenceClip.Summary summary;
    try (EvidenceClip clip = EvidenceClip.create(mp4, CAMERA)) {
      for (int k = 0; k < WINDOWS; k++) {
        clip.audio(chunk(k));
        clip.frame(frame(k));
        if (k != MISSING) {
          clip.localization(localization(k));
        }
      }
      summary = clip.finish();
    }

    assertEquals(WINDOWS, summary.frames());
    assertEquals(3.0, summary.seconds(), 1e-9);
    assertEquals(WINDOWS, summary.cameraFrames());
    assertEquals(0, summary.heldFrames());
    assertEquals(WINDOWS - SILENT.size() - 1, summary.mapWindows());
    assertEquals(SILENT.size(), summary.silentWindows());
    assertEquals(1, summary.missingLocalizations());
    assertEquals(3.0, summary.audioSeconds(), 1e-9);
    assertEquals(Instant.parse("2026-12-04T10:00:00Z"), summary.start());

    Map<String, String> probe = ClipProbe.ffprobe(mp4);
    assertEquals(3.0, Double.parseDouble(probe.get("format.duration")), 1.0 / 12, probe.toString());
    assertEquals("video", probe.get("0.codec_type"), probe.toString());
    assertEquals(
        summary.videoCodec().equals(VideoCodec.MPEG4) ? "mpeg4" : "h264",
        probe.get("0.codec_name"));
    assertEquals("12/1", probe.get("0.r_frame_rate"));
    assertEquals("12/1", probe.get("0.avg_frame_rate"));
    assertEquals(String.valueOf(WINDOWS), probe.get("0.nb_frames"));
    assertEquals(EvidenceClip.WIDTH + "", probe.get("0.width"));
    assertEquals("audio", probe.get("1.codec_type"), probe.toString());
    assertEquals("aac", probe.get("1.codec_name"));
    assertEquals(null, probe.get("2.codec_type"), "only one video and one audio stream");

    List<BufferedImage> decoded = ClipProbe.decode(mp4);
    assertEquals(WINDOWS, decoded.size());
    int peakX = (int) (peakU() * EvidenceClip.WIDTH);
    int peakY = (int) (peakV() * EvidenceClip.HEIGHT);
    assertEquals(0x800000, Heatmap.jetRgb(1.0), "the jet map's hot end is dark red");

    BufferedImage sounding = decoded.get(5);
    assertHot(sounding, peakX, peakY, "the peak of a sounding window");
    assertGrey(
        sounding, EvidenceClip.WIDTH / 10, EvidenceClip.HEIGHT * 9 / 10, "far from the peak");

    assertGrey(decoded.get(11), peakX, peakY, "a silent window has no overlay");
    assertGrey(decoded.get(MISSING), peakX, peakY, "a window without localization has no overlay");

    int captioned = changedPixels(sounding, 0, 0, 220, 50);
    assertTrue(captioned > 800, "the caption changes its corner: " + captioned + " pixels");
    assertTrue(changedPixels(decoded.get(11), 0, 0, 220, 50) > 800, "every frame has a caption");
  }

  @Test
  void shouldWaitForLateLocalizationsWithinTheLagAndWriteAMissingOneWithout() throws Exception {
    Path mp4 = dir.resolve("late.mp4");
    EvidenceClip.Summary summary;
    int lagWindows = 6; // the job emits each window half a second after its media
    int withheld = 2; // this one comes only after the whole stream: too late
    int maxBuffered = 0;
    try (EvidenceClip clip = EvidenceClip.create(mp4, CAMERA, Duration.ofSeconds(1))) {
      for (int k = 0; k < WINDOWS + lagWindows; k++) {
        if (k < WINDOWS) {
          clip.frame(frame(k));
          clip.audio(chunk(k));
        }
        int late = k - lagWindows;
        if (late >= 0 && late != withheld) {
          clip.localization(localization(late));
        }
        maxBuffered = Math.max(maxBuffered, clip.bufferedFrames());
      }
      clip.localization(localization(withheld));
      summary = clip.finish();
    }

    assertEquals(WINDOWS, summary.frames());
    assertTrue(maxBuffered <= 13, "frames wait at most the lag, 1 s: " + maxBuffered);
    assertEquals(1, summary.missingLocalizations());
    assertEquals(1, summary.unusedLocalizations());
    assertEquals(SILENT.size(), summary.silentWindows());
    assertEquals(WINDOWS - SILENT.size() - 1, summary.mapWindows());

    List<BufferedImage> decoded = ClipProbe.decode(mp4);
    int peakX = (int) (peakU() * EvidenceClip.WIDTH);
    int peakY = (int) (peakV() * EvidenceClip.HEIGHT);
    assertGrey(decoded.get(withheld), peakX, peakY, "the withheld window has no overlay");
    assertHot(decoded.get(withheld + 1), peakX, peakY, "a localization half a second late");
  }

  @Test
  void shouldBoundTheWaitByTheLagAndHoldTheLastFrameAcrossAGap() throws Exception {
    Path mp4 = dir.resolve("gap.mp4");
    EvidenceClip.Summary summary;
    int maxBuffered = 0;
    try (EvidenceClip clip = EvidenceClip.create(mp4, CAMERA, Duration.ofSeconds(1))) {
      for (int k = 0; k < WINDOWS; k++) {
        clip.audio(chunk(k));
        if (k < 10 || k >= 16) { // no frames in windows 10..15
          clip.frame(frame(k));
        }
        maxBuffered = Math.max(maxBuffered, clip.bufferedFrames());
      }
      summary = clip.finish();
    }
    // No localization ever comes: each window waits one second of media, then goes out bare.
    assertTrue(maxBuffered <= 13, "at most a second of frames is held: " + maxBuffered);
    assertEquals(WINDOWS, summary.frames());
    assertEquals(WINDOWS - 6, summary.cameraFrames());
    assertEquals(6, summary.heldFrames());
    assertEquals(WINDOWS, summary.missingLocalizations());
    assertEquals(3.0, Double.parseDouble(ClipProbe.ffprobe(mp4).get("format.duration")), 1.0 / 12);
  }

  // ------------------------------------------------------------------ events

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static int grey() {
    return (GREY << 16) | (GREY << 8) | GREY;
  }

  static final byte[] GREY_JPEG = greyJpeg();

  static byte[] greyJpeg() {
    BufferedImage image =
        new BufferedImage(
            ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(GREY, GREY, GREY));
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Window k's frame, a millisecond into the window. */
  static VideoFrame frame(int k) {
    return VideoFrame.newBuilder()
        .setStreamId(CAMERA)
        .setSequence(k)
        .setTimestamp(instant(WindowClock.startMicros(FIRST_WINDOW + k) + 1_000))
        .setWidth(ModelShapes.FRAME_WIDTH)
        .setHeight(ModelShapes.FRAME_HEIGHT)
        .setJpeg(ByteBuffer.wrap(GREY_JPEG))
        .build();
  }

  /** Window k's 1024 samples of a 440 Hz sine at half scale. */
  static AudioChunk chunk(int k) {
    long first = (FIRST_WINDOW + k) * WindowClock.SAMPLES_PER_WINDOW;
    ByteBuffer pcm =
        ByteBuffer.allocate(2 * WindowClock.SAMPLES_PER_WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < WindowClock.SAMPLES_PER_WINDOW; i++) {
      double t = (double) ((first + i) % WindowClock.SAMPLE_RATE) / WindowClock.SAMPLE_RATE;
      pcm.putShort((short) Math.round(16_000 * Math.sin(2 * Math.PI * 440 * t)));
    }
    pcm.flip();
    return AudioChunk.newBuilder()
        .setStreamId(CAMERA)
        .setSequence(k)
        .setTimestamp(instant(WindowClock.microsOfSample(first)))
        .setSampleRate(WindowClock.SAMPLE_RATE)
        .setPcm16(pcm)
        .build();
  }

  static float peakU() {
    return (HOT_COL + 0.5f) / ModelShapes.COLS;
  }

  static float peakV() {
    return (HOT_ROW + 0.5f) / ModelShapes.ROWS;
  }

  /** 0 everywhere but 1 in the hot cell. */
  static float[] hotMap() {
    float[] map = new float[ModelShapes.ROWS * ModelShapes.COLS];
    map[HOT_ROW * ModelShapes.COLS + HOT_COL] = 1f;
    return map;
  }

  /** Window k: one hot cell with its peak, or silent for the windows in {@link #SILENT}. */
  static Localization localization(int k) {
    long window = FIRST_WINDOW + k;
    boolean silent = SILENT.contains(k);
    ByteBuffer energy =
        ByteBuffer.allocate(4 * ModelShapes.ROWS * ModelShapes.COLS).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : silent ? new float[ModelShapes.ROWS * ModelShapes.COLS] : hotMap()) {
      energy.putFloat(v);
    }
    energy.flip();
    List<SourcePeak> peaks = new ArrayList<>();
    if (!silent) {
      ImagePoint at = new ImagePoint(peakU(), peakV());
      peaks.add(
          SourcePeak.newBuilder()
              .setRow(HOT_ROW)
              .setCol(HOT_COL)
              .setPosition(at)
              .setValue(1f)
              .setContrast(1f)
              .setRegionMin(at)
              .setRegionMax(at)
              .build());
    }
    Instant start = instant(WindowClock.startMicros(window));
    return Localization.newBuilder()
        .setStreamId(CAMERA)
        .setWindow(window)
        .setWindowStart(start)
        .setMode(LocalizationMode.MONO)
        .setModelId("test")
        .setSilent(silent)
        .setInferred(true)
        .setFrameAgeMicros(0L)
        .setAudioCoverage(1f)
        .setRows(ModelShapes.ROWS)
        .setCols(ModelShapes.COLS)
        .setEnergy(energy)
        .setFlatness(silent ? 1f : 0.1f)
        .setPeaks(peaks)
        .setIngestTime(start)
        .setEmitTime(start)
        .setInferenceMicros(1000)
        .build();
  }

  // ------------------------------------------------------------------ reading the clip back

  /** Mean colour of the 3x3 pixels around (x, y). */
  static int mean(BufferedImage image, int x, int y) {
    int r = 0;
    int g = 0;
    int b = 0;
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        int rgb = image.getRGB(x + dx, y + dy);
        r += (rgb >> 16) & 0xFF;
        g += (rgb >> 8) & 0xFF;
        b += rgb & 0xFF;
      }
    }
    return ((r / 9) << 16) | ((g / 9) << 8) | (b / 9);
  }

  /** The largest channel difference. */
  static int distance(int a, int b) {
    int d = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      d = Math.max(d, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
    }
    return d;
  }

  /**
   * The pixels around (x, y) are far from grey and, within what H.264 keeps of colour, those the
   * colour map paints there over grey: the red of its hot end.
   */
  static void assertHot(BufferedImage image, int x, int y, String what) {
    int seen = mean(image, x, y);
    byte[] bgr = new byte[3 * EvidenceClip.WIDTH * EvidenceClip.HEIGHT];
    java.util.Arrays.fill(bgr, (byte) GREY);
    ClipPainter.blendEnergy(
        bgr, EvidenceClip.WIDTH, EvidenceClip.HEIGHT, hotMap(), ModelShapes.ROWS, ModelShapes.COLS);
    BufferedImage painted =
        new BufferedImage(EvidenceClip.WIDTH, EvidenceClip.HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    byte[] raster = ((DataBufferByte) painted.getRaster().getDataBuffer()).getData();
    System.arraycopy(bgr, 0, raster, 0, bgr.length);
    int expected = mean(painted, x, y);
    assertTrue(distance(seen, grey()) > 60, what + " is coloured: " + hex(seen));
    int r = (seen >> 16) & 0xFF;
    int g = (seen >> 8) & 0xFF;
    int b = seen & 0xFF;
    assertTrue(r > g + 60 && r > b + 60, what + " is red, the map's hot end: " + hex(seen));
    assertTrue(
        distance(seen, expected) < 30,
        what + " has the colour map's colour " + hex(expected) + ": " + hex(seen));
  }

  static void assertGrey(BufferedImage image, int x, int y, String what) {
    int c = mean(image, x, y);
    assertTrue(distance(c, grey()) <= 8, what + ": " + hex(c) + " is not grey");
  }

  static int changedPixels(BufferedImage image, int x0, int y0, int w, int h) {
    int changed = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        if (distance(image.getRGB(x, y), grey()) > 40) {
          changed++;
        }
      }
    }
    return changed;
  }

  static String hex(int rgb) {
    return String.format("#%06x", rgb & 0xFFFFFF);
  }
}
