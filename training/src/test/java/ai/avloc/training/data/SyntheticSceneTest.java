package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.MelFilterbank;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.simulator.SceneRenderer;
import ai.avloc.simulator.SoundSignature;
import ai.avloc.simulator.SourceSignal;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;

/** How scenes are composed and how classes sound, without simulating anything. */
class SyntheticSceneTest {
  static final SyntheticDataset.Config CONFIG = SyntheticDataset.Config.defaults(100, 3);

  @Test
  void aModestDatasetHasEveryKindOfScene() {
    Set<SyntheticClass> sounding = EnumSet.noneOf(SyntheticClass.class);
    Set<SyntheticClass> distracting = EnumSet.noneOf(SyntheticClass.class);
    int noiseOnly = 0;
    int two = 0;
    int offScreen = 0;
    int overlapping = 0;
    int hidden = 0;
    for (int i = 0; i < CONFIG.scenes(); i++) {
      SyntheticScene s = SyntheticScene.compose(CONFIG, i);
      int visible = s.looks().size();
      assertTrue(visible >= 2 && visible <= 5, "2-5 visible objects, got " + visible);
      assertTrue(s.count(SyntheticScene.Role.DISTRACTOR) >= 1, "a distractor in scene " + i);
      Set<SyntheticClass> soundingHere = EnumSet.noneOf(SyntheticClass.class);
      for (SyntheticScene.Placed p : s.objects()) {
        if (p.role() == SyntheticScene.Role.SOUNDING) {
          soundingHere.add(p.type());
        }
      }
      for (SyntheticScene.Placed p : s.objects()) {
        switch (p.role()) {
          case SOUNDING -> sounding.add(p.type());
          case DISTRACTOR -> {
            distracting.add(p.type());
            assertFalse(soundingHere.contains(p.type()), "a distractor of a sounding class");
          }
          case OFF_SCREEN -> {}
        }
      }
      SceneRenderer renderer = new SceneRenderer(s.looks(), s.backdrop(), 298, 224, 65, 50);
      double end = CONFIG.secondsPerScene();
      for (int o : s.soundingLooks()) {
        assertNotNull(renderer.pixelOf(o, 0), "sounding object in view at the start");
        assertNotNull(renderer.pixelOf(o, end), "and at the end");
      }
      for (SyntheticScene.Placed p : s.objects()) {
        if (p.role() == SyntheticScene.Role.OFF_SCREEN) {
          assertNull(
              SceneRenderer.project(p.look().trajectory().positionAt(0), 65, 50, 298, 224),
              "off-screen source out of view");
        }
      }
      overlapping += overlaps(renderer, visible) ? 1 : 0;
      hidden += hiddenSounding(s, renderer, end);
      assertEquals(
          s.scene().sources().size(),
          s.soundingLooks().size() + s.count(SyntheticScene.Role.OFF_SCREEN));
      if (s.noiseOnly()) {
        noiseOnly++;
        assertEquals(SyntheticClass.NOISE_ONLY_ID, s.label());
        assertTrue(s.scene().sources().isEmpty());
      } else {
        assertEquals(s.objects().get(0).type().id(), s.label());
        assertTrue(s.diffuseSnrDb() >= 10 && s.diffuseSnrDb() <= 30);
      }
      two += s.count(SyntheticScene.Role.SOUNDING) == 2 ? 1 : 0;
      offScreen += s.count(SyntheticScene.Role.OFF_SCREEN) > 0 ? 1 : 0;
    }
    assertTrue(sounding.size() >= 8, "classes sounding: " + sounding);
    assertTrue(distracting.size() >= 8, "classes as distractors: " + distracting);
    assertTrue(noiseOnly >= 4 && noiseOnly <= 20, "noise-only scenes: " + noiseOnly);
    assertTrue(two >= 8 && two <= 35, "two-source scenes: " + two);
    assertTrue(offScreen >= 3 && offScreen <= 20, "off-screen scenes: " + offScreen);
    assertTrue(overlapping >= 20, "scenes with overlapping objects: " + overlapping);
    assertTrue(hidden <= 1, "sounding objects mostly hidden by a nearer one: " + hidden);
  }

  /**
   * Sounding objects of which a nearer object covers more than half, at the start, middle or end.
   */
  static int hiddenSounding(SyntheticScene s, SceneRenderer renderer, double end) {
    int hidden = 0;
    for (int o : s.soundingLooks()) {
      for (double t : new double[] {0, end / 2, end}) {
        double[] box = renderer.boxOf(o, t);
        double distance = norm(s.looks().get(o).trajectory().positionAt(t));
        for (int q = 0; q < s.looks().size(); q++) {
          double[] other = renderer.boxOf(q, t);
          if (q == o
              || other == null
              || norm(s.looks().get(q).trajectory().positionAt(t)) >= distance) {
            continue;
          }
          double w = Math.min(box[2], other[2]) - Math.max(box[0], other[0]);
          double h = Math.min(box[3], other[3]) - Math.max(box[1], other[1]);
          if (w > 0 && h > 0 && w * h > 0.5 * (box[2] - box[0]) * (box[3] - box[1])) {
            hidden++;
          }
        }
      }
    }
    return hidden;
  }

  static double norm(double[] p) {
    return Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  }

  static boolean overlaps(SceneRenderer renderer, int objects) {
    for (int a = 0; a < objects; a++) {
      for (int b = a + 1; b < objects; b++) {
        double[] p = renderer.boxOf(a, 0);
        double[] q = renderer.boxOf(b, 0);
        if (p != null && q != null && p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3]) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void aSceneDependsOnlyOnTheSeedAndItsIndex() {
    SyntheticScene a = SyntheticScene.compose(CONFIG, 17);
    SyntheticScene b = SyntheticScene.compose(CONFIG.withThreads(7), 17);
    SyntheticScene c = SyntheticScene.compose(CONFIG, 18);
    assertEquals(a.looks(), b.looks());
    assertEquals(a.label(), b.label());
    assertEquals(a.scene().seed(), b.scene().seed());
    assertEquals(
        a.scene().sources().get(0).signal().valueAt(0.3),
        b.scene().sources().get(0).signal().valueAt(0.3));
    assertFalse(a.looks().equals(c.looks()));
  }

  @Test
  void aSceneWithoutItsSoundKeepsWhatTheIndexCounts() {
    SyntheticScene a = SyntheticScene.compose(CONFIG, 17);
    SyntheticScene quiet = a.withoutSound();
    assertNull(quiet.scene(), "the sources' samples are let go");
    assertEquals(a.index(), quiet.index());
    assertEquals(a.label(), quiet.label());
    assertEquals(a.objects(), quiet.objects());
    assertEquals(a.looks(), quiet.looks());
    assertEquals(a.noiseOnly(), quiet.noiseOnly());
    assertEquals(a.count(SyntheticScene.Role.SOUNDING), quiet.count(SyntheticScene.Role.SOUNDING));
    assertEquals(a.diffuseSnrDb(), quiet.diffuseSnrDb());
    assertEquals(a.diffuseRms(), quiet.diffuseRms());
  }

  /** Mean power per mel band (the MFCC's 24 bands) of a signal over 1.5 s, in dB. */
  static double[] melProfileDb(SourceSignal signal) {
    int n = 1024;
    MelFilterbank bank = MelFilterbank.paper();
    double[] bands = new double[bank.bands()];
    DoubleFFT_1D fft = new DoubleFFT_1D(n);
    for (int frame = 0; frame < 18; frame++) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = signal.valueAt((frame * n + i) / 12_288.0);
      }
      fft.realForward(x);
      for (int k = 1; k < n / 2; k++) {
        double p = x[2 * k] * x[2 * k] + x[2 * k + 1] * x[2 * k + 1];
        for (int b = 0; b < bands.length; b++) {
          bands[b] += bank.weight(b, k) * p;
        }
      }
    }
    for (int b = 0; b < bands.length; b++) {
      bands[b] = 10 * Math.log10(bands[b] + 1e-30);
    }
    return bands;
  }

  @Test
  void everyClassSoundsBroadbandAtItsLevelAndUnlikeTheOthers() {
    Random random = new Random(9);
    List<double[]> profiles = new ArrayList<>();
    for (SyntheticClass c : SyntheticClass.values()) {
      SourceSignal.Sampled signal = SoundSignature.of(c.shape(), random).signal(2, 0.3, 42);
      double sum = 0;
      int n = 24_576;
      for (int i = 0; i < n; i++) {
        double v = signal.valueAt(i / 24_576.0);
        sum += v * v;
      }
      assertEquals(0.3, Math.sqrt(sum / n), 0.06, c + " RMS at 1 m");
      double[] profile = melProfileDb(signal);
      double top = profile[profile.length - 2]; // band 22: about 4.3-5.5 kHz
      double loudest = Arrays.stream(profile).max().getAsDouble();
      assertTrue(
          loudest - top < 30, c + ": the top of the band is " + (loudest - top) + " dB down");
      // zero-mean shape: what the energy map and the MFCC see
      double mean = Arrays.stream(profile).average().getAsDouble();
      double[] shape = Arrays.stream(profile).map(v -> v - mean).toArray();
      profiles.add(shape);
    }
    Set<String> similar = new HashSet<>();
    for (int a = 0; a < profiles.size(); a++) {
      for (int b = a + 1; b < profiles.size(); b++) {
        double d = 0;
        for (int k = 0; k < profiles.get(a).length; k++) {
          double diff = profiles.get(a)[k] - profiles.get(b)[k];
          d += diff * diff;
        }
        if (Math.sqrt(d / profiles.get(a).length) < 1.5) {
          similar.add(SyntheticClass.values()[a] + "~" + SyntheticClass.values()[b]);
        }
      }
    }
    assertTrue(similar.isEmpty(), "classes with nearly the same spectral shape: " + similar);
  }

  /**
   * Without photographs a scene's frame is what it was before they existed: the digest of the
   * frames at the middle of scenes 0–2 of seed 1, taken from the generator before this option.
   */
  @Test
  void proceduralBackdropsStayAsTheyWere() throws Exception {
    SyntheticDataset.Config defaults = SyntheticDataset.Config.defaults(3, 1);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 3; i++) {
      SyntheticScene s = SyntheticScene.compose(defaults, i);
      BufferedImage frame =
          new SceneRenderer(
                  s.looks(),
                  s.backdrop(),
                  ModelShapes.FRAME_WIDTH,
                  ModelShapes.FRAME_HEIGHT,
                  defaults.hfovDeg(),
                  defaults.vfovDeg())
              .render(1.0);
      sha.update(((DataBufferByte) frame.getRaster().getDataBuffer()).getData());
    }
    assertEquals(PROCEDURAL_DIGEST, HexFormat.of().formatHex(sha.digest()));
  }

  static final String PROCEDURAL_DIGEST =
      "49da34ed4a67f58bac3d1b4115dac89dfa4a38fbc6860d6b0f2246fdd19622b1";
}
