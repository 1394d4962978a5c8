package ai.avloc.acoustics.realdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.Mfcc;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.audio.Resampler;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import ai.avloc.schemas.WindowClock;
import ai.avloc.testsupport.RealData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real outdoor drone measurement (mono PCM16 at 51.2 kHz, 5 s) through the model's audio path.
 */
@Tag("real-data")
class DroneRecordingTest {
  static float[] modelRateAudio() throws Exception {
    MultichannelAudio audio = AudioFiles.read(RealData.file("measurement_drone.wav"));
    assertEquals(51_200, audio.sampleRate());
    assertEquals(1, audio.channelCount());
    float[] x = Resampler.resample(audio.channel(0), audio.sampleRate(), WindowClock.SAMPLE_RATE);
    for (int i = 0; i < x.length; i++) {
      x[i] *= MfccSpec.PCM16_SCALE;
    }
    return x;
  }

  @Test
  void shouldCutFiveSecondsIntoSixtyNormalizedMfccWindows() throws Exception {
    float[] x = modelRateAudio();
    assertEquals(5 * WindowClock.SAMPLE_RATE, x.length, 1);
    float[] mfcc = new Mfcc().normalizedWindows(x);
    assertEquals(60 * 12, mfcc.length);
    for (int w = 0; w < 60; w++) {
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int m = 0; m < 12; m++) {
        float v = mfcc[w * 12 + m];
        assertTrue(Float.isFinite(v));
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      // a sounding window spans the whole [0, 1] range after min-max normalization
      assertEquals(0f, min, 0f, "window " + w);
      assertEquals(1f, max, 0f, "window " + w);
    }
  }

  /**
   * An independent computation of the same MFCC: scipy's polyphase resampler (51200 * 6 / 25 =
   * 12288) and the reference's numpy steps, in {@code measurement_drone.mfcc-reference.py} beside
   * the expected array. The resamplers' filters differ near the new Nyquist, which moves the top
   * mel bands a little, so windows are compared by their mean absolute difference.
   */
  @Test
  void shouldAgreeWithAnIndependentScipyComputationOfTheSameRecording() throws Exception {
    float[] mfcc = new Mfcc().normalizedWindows(modelRateAudio());
    NpyArray reference;
    try (var in =
        getClass().getResourceAsStream("/realdata/measurement_drone.mfcc-reference.npy")) {
      Path copy = Files.createTempFile("drone-reference", ".npy");
      Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      reference = Npy.read(copy);
      Files.delete(copy);
    }
    assertEquals(60, reference.dim(0));
    float[] expected = reference.data();
    int close = 0;
    double[] meanDifference = new double[12];
    for (int w = 0; w < 60; w++) {
      double diff = 0;
      for (int m = 0; m < 12; m++) {
        diff += Math.abs(mfcc[w * 12 + m] - expected[w * 12 + m]) / 12;
        meanDifference[m] += (mfcc[w * 12 + m] - expected[w * 12 + m]) / 60;
      }
      if (diff < 0.05) {
        close++;
      }
    }
    assertTrue(close >= 57, close + " of 60 windows within 0.05 mean absolute difference");
    for (int m = 0; m < 12; m++) {
      assertEquals(0, meanDifference[m], 0.03, "mean of c" + (m + 1) + " over the recording");
    }
  }

  @Test
  void shouldGiveAFlatEnergyMapForTheTiledMonoMfcc() throws Exception {
    // the paper's "MFCC" baseline tiles one window's vector to every pixel: no direction is
    // preferred
    float[] vector =
        java.util.Arrays.copyOfRange(new Mfcc().normalizedWindows(modelRateAudio()), 120, 132);
    float[] image = new float[36 * 48 * 12];
    for (int p = 0; p < 36 * 48; p++) {
      System.arraycopy(vector, 0, image, p * 12, 12);
    }
    float[] energy = EnergyMap.of(image);
    assertEquals(1.0, PeakFinder.flatness(energy), 1e-9);
    assertTrue(energy[0] > 0 && energy[0] <= 1.0 / 24 + 1e-9, "energy " + energy[0]);
  }
}
