package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MfccCommandTest {
  @TempDir Path dir;

  @Test
  void shouldWriteOneRowOfTwelveNormalizedValuesPerTwelfthOfASecond() throws Exception {
    // 2 s of a 48 kHz tone pair -> resampled to 12288 Hz -> 24 windows
    int rate = 48_000;
    float[] x = new float[2 * rate];
    for (int i = 0; i < x.length; i++) {
      x[i] =
          (float)
              (0.3 * Math.sin(2 * Math.PI * 500 * i / rate)
                  + 0.1 * Math.sin(2 * Math.PI * 2200 * i / rate));
    }
    Path in = dir.resolve("tone.wav");
    AudioFiles.writePcm16(in, new MultichannelAudio(new float[][] {x}, rate));
    Path out = dir.resolve("m.csv");
    assertEquals(
        0, BadInputTest.run("mfcc", "--in", in.toString(), "--out", out.toString()).exit());
    List<String> lines = Files.readAllLines(out);
    assertEquals("c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12", lines.get(0));
    assertEquals(24, lines.size() - 1);
    // the command's rows are the library's MFCC of the same audio, resampled the same way
    float[] stored = AudioFiles.read(in).channel(0); // PCM16 as written
    float[] resampled = ai.avloc.acoustics.audio.Resampler.resample(stored, rate, 12_288);
    for (int i = 0; i < resampled.length; i++) {
      resampled[i] *= 32768f;
    }
    float[] expected = new ai.avloc.acoustics.audio.Mfcc().normalizedWindows(resampled);
    for (int r = 0; r < 24; r++) {
      double[] v =
          java.util.Arrays.stream(lines.get(r + 1).split(","))
              .mapToDouble(Double::parseDouble)
              .toArray();
      assertEquals(12, v.length);
      for (int m = 0; m < 12; m++) {
        assertEquals(expected[r * 12 + m], v[m], 1e-6, "window " + r + " c" + (m + 1));
      }
    }
  }
}
