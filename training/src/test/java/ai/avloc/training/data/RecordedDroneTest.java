package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.audio.Resampler;
import ai.avloc.simulator.SoundSource;
import ai.avloc.testsupport.RealData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real outdoor drone measurement (mono PCM16 at 51.2 kHz, 5 s, BSD-3-Clause) as a recorded
 * sound of synth's drone class.
 */
@Tag("real-data")
class RecordedDroneTest {
  @TempDir Path dir;

  @Test
  void aDroneSourcePlaysTheMeasurementAsTheResamplerHearsItAtTheSignaturesRms() throws Exception {
    Path wav = RealData.file("measurement_drone.wav");
    Path folder = dir.resolve("sounds");
    Files.createDirectories(folder);
    Files.copy(wav, folder.resolve("measurement_drone.wav"));
    Files.writeString(
        folder.resolve(RecordedSounds.MANIFEST),
        """
        {"sounds": [{"file": "measurement_drone.wav", "class": "drone",
          "licence": "BSD-3-Clause", "source": "acoular/workshop_DAS-DAGA-2025"}]}
        """);
    RecordedSounds sounds = RecordedSounds.load(folder);
    RecordedSounds.Recording drone = sounds.recordings().get(0);
    assertEquals(SyntheticClass.DRONE, drone.type());
    assertEquals("BSD-3-Clause", drone.licence());
    assertEquals(51_200, drone.sampleRate());
    assertEquals(5, drone.seconds(), 0.01);

    // excerpts against the whole file brought to the scene's rate by FFmpeg's resampler: the same
    // sound (up to the two low-passes' edges near 5.5 kHz) at the requested level
    MultichannelAudio audio = AudioFiles.read(wav);
    float[] resampled =
        Resampler.resample(audio.channel(0), audio.sampleRate(), SyntheticDataset.SAMPLE_RATE);
    Random random = new Random(2);
    int compared = 0;
    for (int k = 0; k < 4; k++) {
      RecordedSounds.Excerpt excerpt = sounds.excerpt(SyntheticClass.DRONE, 2, 0.2, random);
      double[] x = RecordedSoundsTest.sampled(excerpt.signal(), 0, 2);
      assertEquals(0.2, RecordedSoundsTest.rms(x), 0.004, "excerpt " + k);
      int first = (int) Math.ceil(excerpt.offsetSeconds() * SyntheticDataset.SAMPLE_RATE);
      double shift = first / SyntheticDataset.SAMPLE_RATE - excerpt.offsetSeconds();
      double[] ours = RecordedSoundsTest.sampled(excerpt.signal(), shift, 2);
      // the part before the file's end (an excerpt may loop back to its start)
      int n = Math.min(ours.length, resampled.length - first - 64);
      if (n < SyntheticDataset.SAMPLE_RATE / 2) {
        continue;
      }
      double xy = 0;
      double xx = 0;
      double yy = 0;
      for (int i = 64; i < n; i++) {
        double y = resampled[first + i];
        xy += ours[i] * y;
        xx += ours[i] * ours[i];
        yy += y * y;
      }
      double correlation = xy / Math.sqrt(xx * yy);
      assertTrue(correlation > 0.99, "excerpt " + k + ": correlation " + correlation);
      compared++;
    }
    assertTrue(compared >= 2, "compared " + compared + " excerpts");

    // in a scene, a drone source that plays it keeps the signature's RMS
    SyntheticDataset.Config config =
        SyntheticDataset.Config.defaults(400, 9).withSecondsPerScene(1);
    int played = 0;
    for (int i = 0; i < 400 && played < 3; i++) {
      SyntheticScene mixed = SyntheticScene.compose(config, i, null, sounds);
      for (SyntheticScene.Placed p : mixed.objects()) {
        if (p.recording() == null) {
          continue;
        }
        SoundSource plain = SyntheticScene.compose(config, i).scene().sources().get(p.source());
        SoundSource real = mixed.scene().sources().get(p.source());
        double expected =
            RecordedSoundsTest.rms(
                RecordedSoundsTest.periodOf(
                    (ai.avloc.simulator.SourceSignal.Sampled) plain.signal()));
        double heard = RecordedSoundsTest.rms(RecordedSoundsTest.sampled(real.signal(), 0, 1));
        assertEquals(expected, heard, 0.02 * expected, "scene " + i);
        played++;
      }
    }
    assertEquals(3, played, "drone sources play the measurement");
  }
}
