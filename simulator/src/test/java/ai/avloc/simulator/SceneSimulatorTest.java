package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MultichannelAudio;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneSimulatorTest {

  private static final double FS = 12288;
  private static final double C = 343;

  /** Two microphones 0.4 m apart on the x axis: index 0 on the left, 1 on the right. */
  private static final MicArray PAIR =
      new MicArray("pair", new double[][] {{-0.2, 0, 0}, {0.2, 0, 0}});

  private static Scene scene(
      MicArray array,
      double duration,
      long seed,
      List<SoundSource> sources,
      Scene.SensorNoise sensor,
      Scene.DiffuseNoise diffuse) {
    return new Scene(FS, duration, seed, C, array, sources, sensor, diffuse);
  }

  private static SoundSource fixed(SourceSignal signal, double az, double el, double distance) {
    return new SoundSource("s", "test", signal, Trajectory.Fixed.ofDirection(az, el, distance));
  }

  /**
   * Phase (radians) of frequency f in x[from, from + len) by correlation with a complex
   * exponential.
   */
  private static double phaseAt(float[] x, double f, int from, int len) {
    double re = 0;
    double im = 0;
    for (int i = from; i < from + len; i++) {
      double a = 2 * Math.PI * f * i / FS;
      re += x[i] * Math.cos(a);
      im -= x[i] * Math.sin(a);
    }
    return Math.atan2(im, re);
  }

  /** How much later (s) channel b receives the tone f than channel a, from their phases. */
  private static double delay(float[] a, float[] b, double f, int from, int len) {
    double d = phaseAt(a, f, from, len) - phaseAt(b, f, from, len);
    d = Math.IEEEremainder(d, 2 * Math.PI);
    return d / (2 * Math.PI * f);
  }

  private static double power(float[][] channels) {
    double sum = 0;
    long n = 0;
    for (float[] row : channels) {
      for (float v : row) {
        sum += (double) v * v;
      }
      n += row.length;
    }
    return sum / n;
  }

  private static double power(float[] row) {
    return power(new float[][] {row});
  }

  @Test
  void shouldGiveIdenticalChannelsForASourceStraightAhead() {
    Scene scene =
        scene(PAIR, 0.5, 0, List.of(fixed(new SourceSignal.Tone(700, 1, 0), 0, 0, 10)), null, null);

    MultichannelAudio audio = SceneSimulator.render(scene).audio();

    assertEquals(2, audio.channelCount());
    assertEquals(6144, audio.frames());
    assertEquals(FS, audio.sampleRate());
    assertArrayEquals(audio.channel(0), audio.channel(1));
    assertTrue(power(audio.channel(0)) > 0);
  }

  @Test
  void shouldDelayTheFarMicrophoneByTheBaselineTimesSinAzimuth() {
    double f =
        500; // whole periods in 1 s; the expected delay is 1.83 rad of phase, below π: unambiguous
    Scene scene =
        scene(PAIR, 1, 0, List.of(fixed(new SourceSignal.Tone(f, 1, 0), 30, 0, 1000)), null, null);
    float[][] x = SceneSimulator.render(scene).audio().channels();

    // A source on the right (azimuth +30°) reaches the right microphone (1) first: the left one (0)
    // lags.
    double lag = delay(x[1], x[0], f, 0, (int) FS);

    double expected = 0.4 * Math.sin(Math.toRadians(30)) / C;
    assertEquals(expected, lag, 0.01 * expected);
  }

  @Test
  void shouldDelayBroadbandNoiseAsCrossCorrelationSees() {
    // Azimuth -45°: the left microphone (0) comes first, the right one lags by 0.4·sin 45° / c ≈
    // 0.825 ms.
    SourceSignal noise = SourceSignal.BandNoise.generate(200, 4000, 1, 1, 11);
    Scene scene = scene(PAIR, 1, 0, List.of(fixed(noise, -45, 0, 500)), null, null);
    float[][] x = SceneSimulator.render(scene).audio().channels();

    int best = 0;
    double bestValue = Double.NEGATIVE_INFINITY;
    double[] r = new double[41];
    for (int lag = -20; lag <= 20; lag++) {
      double sum = 0;
      for (int i = 100; i < x[0].length - 100; i++) {
        sum += x[0][i] * x[1][i + lag];
      }
      r[lag + 20] = sum;
      if (sum > bestValue) {
        bestValue = sum;
        best = lag;
      }
    }
    // Parabolic interpolation of the correlation peak for the fractional lag.
    double y0 = r[best + 19];
    double y1 = r[best + 20];
    double y2 = r[best + 21];
    double fractional = best + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2);
    double expected = 0.4 * Math.sin(Math.toRadians(45)) / C * FS; // ≈ 10.1 samples
    assertEquals(expected, fractional, 0.05 * expected);
  }

  @Test
  void shouldFallAsOneOverDistance() {
    MicArray one = new MicArray("one", new double[][] {{0, 0, 0}});
    SourceSignal tone = new SourceSignal.Tone(480, 1, 0);

    float[] near =
        SceneSimulator.render(scene(one, 1, 0, List.of(fixed(tone, 0, 0, 2)), null, null))
            .audio()
            .channel(0);
    float[] far =
        SceneSimulator.render(scene(one, 1, 0, List.of(fixed(tone, 0, 0, 4)), null, null))
            .audio()
            .channel(0);

    // 1 Pa at 1 m: peak 1/R, RMS 1/(R·√2) over the 480 whole periods of 1 s.
    assertEquals(1 / (2 * Math.sqrt(2)), Math.sqrt(power(near)), 1e-4);
    assertEquals(0.5, Math.sqrt(power(far) / power(near)), 1e-4);
  }

  private static Scene noisyScene(long seed) {
    SourceSignal noise =
        SourceSignal.BandNoise.generate(300, 3000, 1, 0.5, Seeds.derive(seed, 1, 0));
    return scene(
        PAIR,
        0.5,
        seed,
        List.of(fixed(noise, 10, 5, 3)),
        new Scene.SensorNoise(new Scene.Snr(20)),
        new Scene.DiffuseNoise(new Scene.Snr(10), 16, 100, 0.45 * FS));
  }

  @Test
  void shouldBeDeterministicInTheSeed() {
    float[][] a = SceneSimulator.render(noisyScene(3)).audio().channels();
    float[][] b = SceneSimulator.render(noisyScene(3)).audio().channels();
    float[][] c = SceneSimulator.render(noisyScene(4)).audio().channels();

    for (int m = 0; m < a.length; m++) {
      assertArrayEquals(a[m], b[m], "channel " + m);
      assertFalse(Arrays.equals(a[m], c[m]), "channel " + m);
    }
  }

  @Test
  void shouldAddSensorAndDiffuseNoiseAtTheRequestedSnr() {
    SoundSource source =
        fixed(SourceSignal.Harmonic.withRandomPhases(150, 10, 1, 0.8, 1), -15, 5, 4);
    MicArray array = BuiltinArrays.byName("vogel64");
    float[][] clean =
        SceneSimulator.render(scene(array, 2, 5, List.of(source), null, null)).audio().channels();
    float[][] sensor =
        SceneSimulator.render(
                scene(array, 2, 5, List.of(source), new Scene.SensorNoise(new Scene.Snr(20)), null))
            .audio()
            .channels();
    float[][] diffuse =
        SceneSimulator.render(
                scene(
                    array,
                    2,
                    5,
                    List.of(source),
                    null,
                    new Scene.DiffuseNoise(new Scene.Snr(6), 64, 100, 0.45 * FS)))
            .audio()
            .channels();

    double signal = power(clean);
    double sensorSnr = 10 * Math.log10(signal / power(difference(sensor, clean)));
    double diffuseSnr = 10 * Math.log10(signal / power(difference(diffuse, clean)));

    assertEquals(20, sensorSnr, 1.0);
    assertEquals(6, diffuseSnr, 1.0);
  }

  private static float[][] difference(float[][] a, float[][] b) {
    float[][] d = new float[a.length][];
    for (int m = 0; m < a.length; m++) {
      d[m] = new float[a[m].length];
      for (int i = 0; i < a[m].length; i++) {
        d[m][i] = a[m][i] - b[m][i];
      }
    }
    return d;
  }

  @Test
  void shouldMakeTheDiffuseFieldIncoherentBetweenDistantMicrophones() {
    MicArray wide = new MicArray("wide", new double[][] {{-1, 0, 0}, {1, 0, 0}});
    Scene scene =
        new Scene(
            FS,
            2,
            8,
            C,
            wide,
            List.of(),
            null,
            new Scene.DiffuseNoise(new Scene.Rms(0.5), 256, 100, 0.45 * FS));
    float[][] x = SceneSimulator.render(scene).audio().channels();

    double cross = 0;
    for (int i = 0; i < x[0].length; i++) {
      cross += (double) x[0][i] * x[1][i];
    }
    double correlation = cross / x[0].length / Math.sqrt(power(x[0]) * power(x[1]));
    assertEquals(0.5, Math.sqrt(power(x[0])), 0.05);
    assertEquals(0.5, Math.sqrt(power(x[1])), 0.05);
    // The diffuse-field coherence sin(kd)/(kd) averaged over the band is close to 0 at d = 2 m.
    assertTrue(Math.abs(correlation) < 0.1, "correlation " + correlation);
  }

  @Test
  void shouldFollowAMovingSourceAlongItsPath() {
    double f = 500;
    Trajectory path =
        new Trajectory.Keyframes(
            new double[] {0, 2}, new double[][] {{-40, 0, 6}, {40, 0, 6}}, true);
    Scene scene =
        scene(
            PAIR,
            2,
            0,
            List.of(new SoundSource("mover", "drone", new SourceSignal.Tone(f, 1, 0), path)),
            null,
            null);

    Simulation simulation = SceneSimulator.render(scene);
    float[][] x = simulation.audio().channels();

    // At the midpoint the source is straight ahead: direction (0, 0, 1) and no inter-microphone
    // delay.
    assertArrayEquals(new double[] {0, 0, 1}, simulation.trueDirection(0, 1.0), 1e-12);
    assertArrayEquals(Directions.position(0, 0, 6), simulation.truePosition(0, 1.0), 1e-12);
    int window = 600; // 25 periods ≈ 49 ms, over which the azimuth changes by about 2°
    double mid = delay(x[1], x[0], f, (int) FS - window / 2, window);
    assertEquals(0, mid, 2e-6);
    // A quarter of the way, the source is at azimuth -20°: the right microphone lags.
    int quarter = (int) (0.5 * FS);
    double early = delay(x[0], x[1], f, quarter - window / 2, window);
    double expected = 0.4 * Math.sin(Math.toRadians(20)) / C;
    assertEquals(expected, early, 0.03 * expected);
    assertEquals(-20, Directions.azimuthDeg(simulation.trueDirection(0, 0.5)), 1e-9);
  }

  @Test
  void shouldRejectASourceOnAMicrophone() {
    Scene scene =
        scene(
            PAIR,
            0.1,
            0,
            List.of(
                new SoundSource(
                    "s",
                    "x",
                    new SourceSignal.Tone(100, 1, 0),
                    new Trajectory.Fixed(new double[] {0.2, 0, 0.001}))),
            null,
            null);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SceneSimulator.render(scene));

    assertTrue(e.getMessage().startsWith("sources[0] ('s') comes within"), e.getMessage());
  }

  @Test
  void shouldRenderTheExampleSceneOnDualcam128Quickly() throws Exception {
    Scene scene = Scene.parse(SceneTest.EXAMPLE);

    long start = System.nanoTime();
    Simulation simulation = SceneSimulator.render(scene);
    double seconds = (System.nanoTime() - start) / 1e9;

    MultichannelAudio audio = simulation.audio();
    assertEquals(128, audio.channelCount());
    assertEquals(36864, audio.frames());
    for (float[] row : audio.channels()) {
      for (float v : row) {
        assertTrue(Float.isFinite(v));
      }
    }
    assertTrue(power(audio.channels()) > 0);
    assertTrue(seconds < 10, "rendering took " + seconds + " s");
    System.out.printf("rendered the 3 s, 128-microphone example in %.2f s%n", seconds);
  }
}
