package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArrayFiles;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acoustic-camera workflow a user of Acoular would follow, through the commands alone: an
 * Acoular XML geometry (64-mic Vogel spiral), a recording at 51.2 kHz of two loudspeakers in front
 * of it, and a true-level map on a focus plane at 1 kHz that gives each loudspeaker's position and
 * its sound pressure level at the array centre.
 */
class AcousticCameraWorkflowTest {
  @TempDir Path dir;

  @Test
  void shouldLocateTwoLoudspeakersAndTheirLevelsOnAFocusPlane() throws Exception {
    Path xml = dir.resolve("array_64.xml");
    MicArrayFiles.writeXml(BuiltinArrays.vogel64(), xml);
    // loudspeaker A: 1000 Hz, 1 Pa at 1 m, at (-0.4, 0.2, 1.5); B: 1500 Hz, 0.5 Pa at 1 m, at (0.4,
    // -0.2, 1.5)
    String scene =
        """
        {"sampleRate": 51200, "duration": 1.0, "seed": 3, "array": "array_64.xml",
         "sensorNoise": {"snrDb": 30},
         "sources": [
           {"name": "A", "signal": {"type": "tone", "frequency": 1000, "amplitude": 1.0}, "position": [-0.4, 0.2, 1.5]},
           {"name": "B", "signal": {"type": "tone", "frequency": 1500, "amplitude": 0.5}, "position": [0.4, -0.2, 1.5]}
         ]}
        """;
    Files.writeString(dir.resolve("scene.json"), scene);
    Path wav = dir.resolve("two-speakers.wav");
    assertEquals(
        0,
        BadInputTest.run(
                "simulate",
                "--scene",
                dir.resolve("scene.json").toString(),
                "--out",
                wav.toString())
            .exit());

    // 0.6 m grid spacing would be coarse: 25 x 25 points over 1.2 m puts both loudspeakers on grid
    // points
    String grid = "-0.6:0.6:25,-0.6:0.6:25,1.5";
    double[][] expected = {{1000, -0.4, 0.2, 1.0}, {1500, 0.4, -0.2, 0.5}};
    for (double[] speaker : expected) {
      Path map = dir.resolve("map-" + (int) speaker[0] + ".npy");
      BadInputTest.Run run =
          BadInputTest.run(
              "beamform",
              "--in",
              wav.toString(),
              "--geometry",
              xml.toString(),
              "--grid",
              grid,
              "--freq",
              String.valueOf(speaker[0]),
              "--steering",
              "true-level",
              "--db",
              "--out",
              map.toString());
      assertEquals(0, run.exit(), run.err());
      NpyArray values = Npy.read(map);
      assertEquals(25, values.dim(0));
      assertEquals(25, values.dim(1));
      List<Peak> peaks = PeakFinder.find(values.data(), 25, 25, 1, 3);
      Peak p = peaks.get(0);
      double x = -0.6 + 0.05 * p.col();
      double y = -0.6 + 0.05 * p.row();
      assertEquals(speaker[1], x, 1e-9, "x of the " + speaker[0] + " Hz loudspeaker");
      assertEquals(speaker[2], y, 1e-9, "y of the " + speaker[0] + " Hz loudspeaker");
      // true level: the tone's mean square at the array centre, (A / r0)^2 / 2, as dB re 20 uPa
      double r0 = Math.sqrt(speaker[1] * speaker[1] + speaker[2] * speaker[2] + 1.5 * 1.5);
      double spl = 10 * Math.log10(Math.pow(speaker[3] / r0, 2) / 2 / 4e-10);
      assertEquals(spl, p.value(), 0.5, "level of the " + speaker[0] + " Hz loudspeaker in dB");
    }
  }
}
