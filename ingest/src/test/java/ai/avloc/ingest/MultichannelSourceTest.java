package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.avloc.ingest.inventory.CameraInventory;
import ai.avloc.ingest.inventory.CameraSpec;
import ai.avloc.schemas.ArrayChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultichannelSourceTest {

  /** Source channel c: a tone of FREQ[c] Hz at amplitude AMP[c], all different. */
  private static final double[] FREQ = {300, 500, 700, 900};

  private static final double[] AMP = {0.1, 0.2, 0.4, 0.8};
  private static final Instant WALL = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir static Path dir;
  static Path wav;

  @BeforeAll
  static void fourChannelWav() throws Exception {
    wav = dir.resolve("four.wav");
    StringBuilder expr = new StringBuilder();
    for (int c = 0; c < 4; c++) {
      expr.append(c == 0 ? "" : "|")
          .append(AMP[c])
          .append("*sin(2*PI*")
          .append(FREQ[c])
          .append("*t)");
    }
    List<String> cmd =
        List.of(
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "aevalsrc=" + expr + ":s=48000:d=2",
            "-c:a",
            "pcm_f32le",
            wav.toString());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail(
          "ffmpeg is needed to make the test's 4-channel WAV: install the Debian package ffmpeg",
          e);
      return;
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffmpeg did not finish");
    assertEquals(0, p.exitValue(), "ffmpeg: " + out);
  }

  private static List<ArrayChunk> readAll(CameraSource source) throws IOException {
    List<ArrayChunk> chunks = new ArrayList<>();
    for (CameraEvent e = source.next(); e != null; e = source.next()) {
      chunks.add(((CameraEvent.Array) e).value());
    }
    return chunks;
  }

  /** Microphone m's samples over the chunks, from the channel-major little-endian float32. */
  private static float[] microphone(List<ArrayChunk> chunks, int m) {
    int n = chunks.stream().mapToInt(ArrayChunk::getSamplesPerChannel).sum();
    float[] out = new float[n];
    int k = 0;
    for (ArrayChunk c : chunks) {
      ByteBuffer b = c.getFloat32().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int per = c.getSamplesPerChannel();
      for (int i = 0; i < per; i++) {
        out[k++] = b.getFloat((m * per + i) * Float.BYTES);
      }
    }
    return out;
  }

  private static double rms(float[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += x[i] * x[i];
    }
    return Math.sqrt(s / (to - from));
  }

  /** Amplitude of the tone at {@code hz} (single-bin DFT over whole periods). */
  private static double amplitudeAt(float[] x, int from, int to, double hz) {
    double re = 0;
    double im = 0;
    for (int i = from; i < to; i++) {
      double phase = 2 * Math.PI * hz * i / 12288.0;
      re += x[i] * Math.cos(phase);
      im += x[i] * Math.sin(phase);
    }
    return 2 * Math.hypot(re, im) / (to - from);
  }

  @Test
  void theChannelMapShouldReorderChannelsIntoMicrophonesAt12288Hz() throws IOException {
    int[] map = {3, 1, 0, 2};
    List<ArrayChunk> chunks;
    try (MultichannelSource source =
        new MultichannelSource(wav.toString(), "hall", "respeaker4", map, WALL)) {
      assertEquals(4, source.sourceChannels());
      chunks = readAll(source);
    }

    for (int m = 0; m < 4; m++) {
      float[] x = microphone(chunks, m);
      // one second in the middle, away from the resampler's edges: 12288 samples, whole periods
      int from = 6144;
      int to = from + 12288;
      double amp = AMP[map[m]];
      assertEquals(amp / Math.sqrt(2), rms(x, from, to), 0.01 * amp, "RMS of microphone " + m);
      assertEquals(amp, amplitudeAt(x, from, to, FREQ[map[m]]), 0.01 * amp, "tone of mic " + m);
      for (int c = 0; c < 4; c++) {
        if (c != map[m]) {
          assertTrue(
              amplitudeAt(x, from, to, FREQ[c]) < 1e-3,
              "microphone " + m + " holds source channel " + c + "'s tone");
        }
      }
    }
  }

  @Test
  void chunksShouldHold1024SamplesPerChannelTwelveASecondOnTheWallClock() throws IOException {
    List<ArrayChunk> chunks;
    try (MultichannelSource source =
        new MultichannelSource(
            wav.toString(), "hall", "respeaker4", new int[] {0, 1, 2, 3}, WALL)) {
      chunks = readAll(source);
    }

    assertEquals(24, chunks.size(), "2 s at 12288 Hz in 1024-sample chunks");
    for (int k = 0; k < chunks.size(); k++) {
      ArrayChunk c = chunks.get(k);
      assertEquals(k, c.getSequence());
      assertEquals("hall", c.getStreamId());
      assertEquals("respeaker4", c.getGeometryId());
      assertEquals(12288, c.getSampleRate());
      assertEquals(4, c.getChannels());
      if (k < chunks.size() - 1) {
        assertEquals(1024, c.getSamplesPerChannel());
      } else {
        // the file's end: the resampler keeps its last few samples (its filter delay), so the
        // last chunk comes out short rather than padded
        assertTrue(
            c.getSamplesPerChannel() > 1024 - 32 && c.getSamplesPerChannel() <= 1024,
            "last chunk of " + c.getSamplesPerChannel());
      }
      assertEquals(4 * c.getSamplesPerChannel() * 4, c.getFloat32().remaining());
      assertEquals(WALL.plusNanos(Math.round(k * 1024 * 1e6 / 12288) * 1000), c.getTimestamp());
    }
    assertEquals(WALL.plusSeconds(1), chunks.get(12).getTimestamp());
  }

  /** Runs ffmpeg with these arguments; fails the test when it does not succeed. */
  static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffmpeg did not finish");
    assertEquals(0, p.exitValue(), "ffmpeg: " + out);
  }

  @Test
  void mediaTimeShouldCountFromTheContainersStartNotFromZero() throws Exception {
    // a recording whose clock starts 10 hours in, as a live MPEG-TS stream's or a sound card's
    Path late = dir.resolve("four-late.mka");
    ffmpeg("-i", wav.toString(), "-c", "copy", "-output_ts_offset", "36000", late.toString());
    List<ArrayChunk> chunks;
    try (MultichannelSource source =
        new MultichannelSource(
            late.toString(), "hall", "respeaker4", new int[] {0, 1, 2, 3}, WALL)) {
      chunks = readAll(source);
    }
    assertEquals(WALL, chunks.get(0).getTimestamp());
    assertEquals(WALL.plusSeconds(1), chunks.get(12).getTimestamp());
  }

  @Test
  void anInventoryArrayCameraShouldOpenWithItsGeometryAndMap() throws IOException {
    Path yaml = dir.resolve("cameras.yaml");
    Files.writeString(
        yaml,
        "cameras:\n  - id: hall-array\n    url: "
            + wav
            + "\n    array: {geometry: respeaker4, channels: [3, 2, 1, 0]}\n");
    CameraSpec spec = CameraInventory.parse(yaml, Map.of()).get(0);

    List<ArrayChunk> chunks;
    try (MultichannelSource source = MultichannelSource.open(spec, WALL)) {
      assertEquals("hall-array", source.streamId());
      chunks = readAll(source);
    }

    assertEquals(24, chunks.size());
    assertEquals(AMP[3] / Math.sqrt(2), rms(microphone(chunks, 0), 6144, 18432), 0.01 * AMP[3]);
    assertEquals(AMP[0] / Math.sqrt(2), rms(microphone(chunks, 3), 6144, 18432), 0.01 * AMP[0]);
  }

  @Test
  void aMapNeedingMoreChannelsThanTheInputHasShouldNameBothCounts() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MultichannelSource(
                    wav.toString(), "hall", "respeaker4", new int[] {1, 2, 3, 4}, WALL));

    assertEquals(
        wav
            + ": has 4 audio channels but the channel map [1, 2, 3, 4] of hall needs 5 (source"
            + " channel 4, channels are numbered from 0)",
        e.getMessage());
  }

  @Test
  void aMapThatDoesNotFitTheGeometryShouldBeRejected() {
    assertEquals(
        "hall: channel map entry for microphone 1 is -1; source channels are numbered from 0",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new MultichannelSource(
                        wav.toString(), "hall", "respeaker4", new int[] {0, -1, 2, 3}, WALL))
            .getMessage());
    assertEquals(
        "hall: channel map of 3 channels for geometry respeaker4 of 4 microphones",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new MultichannelSource(
                        wav.toString(), "hall", "respeaker4", new int[] {0, 1, 2}, WALL))
            .getMessage());
  }

  @Test
  void credentialsShouldReachTheDecoderUrlEncodedButNeverAnError() throws IOException {
    Path yaml = dir.resolve("cred.yaml");
    Files.writeString(
        yaml,
        "cameras:\n  - id: cam\n    url: rtsp://127.0.0.1:1/x\n"
            + "    credentials: {user: admin, passwordEnv: P}\n"
            + "    array: {geometry: respeaker4}\n");
    CameraSpec spec = CameraInventory.parse(yaml, Map.of("P", "hunter2@b:c/d")).get(0);

    assertEquals(
        "rtsp://admin:hunter2%40b%3Ac%2Fd@127.0.0.1:1/x", MultichannelSource.decoderUrl(spec));
    // nothing listens on port 1: the open fails, and its message shows the URL without them
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MultichannelSource.open(spec, WALL));
    assertTrue(
        e.getMessage().startsWith("rtsp://127.0.0.1:1/x: FFmpeg cannot open it"), e.getMessage());
    assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
  }
}
