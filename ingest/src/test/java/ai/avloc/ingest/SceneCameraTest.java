package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SceneCameraTest {
  static final Instant START = Instant.parse("2026-11-25T12:00:00.000250Z");

  /** A drone crossing the image left to right, and a generator, with noise relative to them. */
  static final String DRONE =
      """
      {"duration": 3, "seed": 1, "array": "vogel64",
       "sensorNoise": {"snrDb": 40}, "diffuseNoise": {"snrDb": 20, "planeWaves": 16},
       "sources": [
         {"name": "drone", "signal": {"type": "harmonic", "f0": 180, "harmonics": 8, "amplitude": 0.5},
          "path": [{"t": 0, "azimuth": -20, "elevation": 5, "distance": 6},
                   {"t": 3, "azimuth": 20, "elevation": 5, "distance": 6}]},
         {"name": "generator", "signal": {"type": "noise", "low": 200, "high": 2000, "amplitude": 0.2},
          "direction": {"azimuth": 25, "elevation": -10}, "distance": 8}
       ]}
      """;

  /** One tone moving from the image's upper left out to the right of the field of view. */
  static final String LEAVING =
      """
      {"duration": 2, "array": "vogel64",
       "sources": [{"signal": {"type": "tone", "frequency": 1000, "amplitude": 0.3},
          "path": [{"t": 0, "azimuth": -15, "elevation": 12, "distance": 5},
                   {"t": 1, "azimuth": 20, "elevation": -8, "distance": 4},
                   {"t": 2, "azimuth": 60, "elevation": -8, "distance": 4}]}]}
      """;

  static Scene scene(String json) {
    return Scene.parse(json, null);
  }

  static MediaFileDecoderTest.Collected drain(CameraSource source) throws IOException {
    MediaFileDecoderTest.Collected out = new MediaFileDecoderTest.Collected();
    CameraEvent e;
    while ((e = source.next()) != null) {
      e.sendTo(out);
    }
    return out;
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(START, t);
  }

  static short[] pcm(AudioChunk chunk) {
    ShortBuffer s = chunk.getPcm16().duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    short[] out = new short[s.remaining()];
    s.get(out);
    return out;
  }

  static short[] pcm16(float[] pascals) {
    short[] out = new short[pascals.length];
    for (int i = 0; i < out.length; i++) {
      double v = Math.max(-1, Math.min(32767 / 32768.0, pascals[i]));
      out[i] = (short) Math.round(v * 32768);
    }
    return out;
  }

  static BufferedImage image(VideoFrame frame) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(MediaFileDecoderTest.bytes(frame.getJpeg())));
  }

  /** Centroid (pixel centres at c + 0.5) of the pixels within 90 % of the brightest luminance. */
  static double[] brightestRegion(BufferedImage image) {
    double[] lum = new double[image.getWidth() * image.getHeight()];
    double max = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        double l =
            0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
        lum[y * image.getWidth() + x] = l;
        max = Math.max(max, l);
      }
    }
    double sx = 0;
    double sy = 0;
    double n = 0;
    for (int i = 0; i < lum.length; i++) {
      if (lum[i] >= 0.9 * max) {
        sx += i % image.getWidth() + 0.5;
        sy += i / image.getWidth() + 0.5;
        n++;
      }
    }
    return new double[] {sx / n, sy / n, max};
  }

  @Test
  void shouldMakeTwelveFramesPerSecondAtExactTimes() throws IOException {
    MediaFileDecoderTest.Collected out =
        drain(
            new SceneCamera(
                scene(LEAVING),
                "cam-a",
                START,
                Duration.ofSeconds(2),
                SceneCamera.Options.defaults()));
    assertEquals(24, out.frames.size());
    for (int k = 0; k < 24; k++) {
      VideoFrame f = out.frames.get(k);
      assertEquals(k, f.getSequence());
      assertEquals("cam-a", f.getStreamId());
      assertEquals(k * 1_000_000L / 12, micros(f.getTimestamp()), "frame " + k);
      assertEquals(298, f.getWidth());
      assertEquals(224, f.getHeight());
    }
    BufferedImage first = image(out.frames.get(0));
    assertEquals(298, first.getWidth());
    assertEquals(224, first.getHeight());
  }

  @Test
  void shouldCutContiguousChunksAtExactSampleTimes() throws IOException {
    MediaFileDecoderTest.Collected out =
        drain(
            new SceneCamera(
                scene(LEAVING),
                "cam-a",
                START,
                Duration.ofSeconds(2),
                SceneCamera.Options.defaults()));
    assertEquals(24, out.chunks.size());
    for (int c = 0; c < 24; c++) {
      AudioChunk chunk = out.chunks.get(c);
      assertEquals(c, chunk.getSequence());
      assertEquals(12_288, chunk.getSampleRate());
      assertEquals(2048, chunk.getPcm16().remaining());
      // sample n at floor(n * 1e6 / 12288) us: chunk c starts at sample 1024 c
      assertEquals(Math.floorDiv(1024L * c * 1_000_000, 12_288), micros(chunk.getTimestamp()));
    }
    assertTrue(out.arrays.isEmpty(), "a mono camera publishes no array audio");
  }

  @Test
  void shouldPublishTheSimulatorsMonoMicrophone() throws IOException {
    Scene scene = scene(DRONE);
    MediaFileDecoderTest.Collected out =
        drain(new SceneCamera(scene, "cam-a", START, null, SceneCamera.Options.defaults()));
    short[] published = out.allSamples();
    short[] expected = pcm16(SceneSimulator.render(scene).audio().channel(0));
    assertEquals(36_864, expected.length);
    assertArrayEquals(expected, published, "microphone 0, noise included, as PCM16");
    assertEquals(36, out.chunks.size());
    assertEquals(36, out.frames.size(), "the whole scene, 3 s, and no more");
  }

  @Test
  void shouldDrawTheSourceWhereTheBeamformerLooksForIt() throws IOException {
    SceneCamera camera =
        new SceneCamera(scene(LEAVING), "cam-a", START, null, SceneCamera.Options.defaults());
    MediaFileDecoderTest.Collected out = drain(camera);
    LookGrid grid = LookGrid.cameraFov(65, 50);
    for (int k : new int[] {2, 15}) {
      double t = k / 12.0;
      double[] expected = camera.pixelOf(0, t);
      assertNotNull(expected);
      double[] found = brightestRegion(image(out.frames.get(k)));
      assertEquals(expected[0], found[0], 1.5, "x of frame " + k);
      assertEquals(expected[1], found[1], 1.5, "y of frame " + k);
      assertTrue(found[2] > 200, "the object is bright");
      // the beamformer's grid cell for the true direction covers the drawn object
      int cell = grid.nearestIndex(camera.scene().sources().get(0).directionAt(t));
      assertEquals((cell % 48 + 0.5) * 298 / 48, found[0], 298 / 48.0);
      assertEquals((cell / 48 + 0.5) * 224 / 36, found[1], 224 / 36.0);
    }
    double[] early = brightestRegion(image(out.frames.get(2)));
    double[] later = brightestRegion(image(out.frames.get(15)));
    assertTrue(later[0] - early[0] > 50, "it moved right");
    assertTrue(later[1] - early[1] > 30, "and down");
    // at 2 s (frame 23 is at 1.92 s) the source is at azimuth ~58 deg, outside the 65 deg view
    assertNull(camera.pixelOf(0, 23 / 12.0));
    assertTrue(brightestRegion(image(out.frames.get(23)))[2] < 80, "nothing drawn");
  }

  @Test
  void shouldPublishEveryArrayChannelAsTheSimulatorRendersIt() throws IOException {
    // the scene declares vogel64; the camera's array is dualcam128, so the scene is heard there
    Scene declared = scene(DRONE.replace("\"duration\": 3", "\"duration\": 1"));
    SceneCamera camera =
        new SceneCamera(
            declared,
            "array-1",
            START,
            Duration.ofMillis(500),
            SceneCamera.Options.defaults().withArray("DualCam128"));
    assertEquals("dualcam128", camera.scene().array().name());
    MediaFileDecoderTest.Collected out = drain(camera);
    float[][] expected = SceneSimulator.render(camera.scene()).audio().channels();
    assertEquals(6144, out.chunks.stream().mapToInt(c -> c.getPcm16().remaining() / 2).sum());
    assertEquals(out.chunks.size(), out.arrays.size());
    int at = 0;
    for (int c = 0; c < out.arrays.size(); c++) {
      ArrayChunk chunk = out.arrays.get(c);
      assertEquals("dualcam128", chunk.getGeometryId());
      assertEquals(128, chunk.getChannels());
      assertEquals(12_288, chunk.getSampleRate());
      assertEquals(c, chunk.getSequence());
      assertEquals(out.chunks.get(c).getTimestamp(), chunk.getTimestamp());
      int n = chunk.getSamplesPerChannel();
      FloatBuffer values =
          chunk.getFloat32().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      assertEquals(128 * n, values.remaining());
      float[] channel = new float[n];
      for (int m = 0; m < 128; m++) {
        values.get(channel);
        assertArrayEquals(
            Arrays.copyOfRange(expected[m], at, at + n), channel, "chunk " + c + " mic " + m);
      }
      at += n;
    }
    assertArrayEquals(
        pcm16(Arrays.copyOf(expected[0], 6144)), out.allSamples(), "mono is microphone 0");
  }

  @Test
  void shouldKeepTimestampsRunningWhenTheSceneLoops() throws IOException {
    Scene half =
        scene(
            """
            {"duration": 0.5, "seed": 3, "array": "vogel64", "sensorNoise": {"rms": 0.001},
             "sources": [{"signal": {"type": "tone", "frequency": 440, "amplitude": 0.2},
               "path": [{"t": 0, "azimuth": -10, "elevation": 0, "distance": 3},
                        {"t": 0.5, "azimuth": 10, "elevation": 0, "distance": 3}]}]}
            """);
    MediaFileDecoderTest.Collected out =
        drain(
            new SceneCamera(
                half,
                "loop",
                START,
                Duration.ofMillis(1500),
                SceneCamera.Options.defaults().withLoop(true)));
    assertEquals(18, out.frames.size());
    assertEquals(18, out.chunks.size());
    for (int k = 0; k < 18; k++) {
      assertEquals(k * 1_000_000L / 12, micros(out.frames.get(k).getTimestamp()));
      assertEquals(k, out.chunks.get(k).getSequence());
      assertEquals(
          Math.floorDiv(1024L * k * 1_000_000, 12_288), micros(out.chunks.get(k).getTimestamp()));
    }
    short[] all = out.allSamples();
    assertEquals(18_432, all.length);
    short[] pass = Arrays.copyOfRange(all, 0, 6144);
    assertArrayEquals(pass, Arrays.copyOfRange(all, 6144, 12_288), "the second pass");
    assertArrayEquals(pass, Arrays.copyOfRange(all, 12_288, 18_432), "the third pass");
    assertTrue(
        Arrays.equals(
            MediaFileDecoderTest.bytes(out.frames.get(0).getJpeg()),
            MediaFileDecoderTest.bytes(out.frames.get(6).getJpeg())),
        "frame 6 sees the scene at t = 0 again");
  }

  @Test
  void shouldRefuseAnotherSampleRateAndMoreThanTwelveFps() {
    Scene fast =
        scene(
            """
            {"sampleRate": 48000, "duration": 1,
             "sources": [{"signal": {"type": "tone", "frequency": 1000, "amplitude": 1},
                          "position": [0, 0, 2]}]}
            """);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SceneCamera(fast, "x", START, null, SceneCamera.Options.defaults()));
    assertTrue(e.getMessage().contains("12288"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SceneCamera.Options.defaults().withMedia(new DecodeOptions(298, 224, 25, 0.9f, 1024)));
    assertThrows(
        IllegalArgumentException.class, () -> SceneCamera.Options.defaults().withArray("nope"));
  }
}
