package ai.avloc.cli;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.simulator.Directions;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.simulator.Simulation;
import ai.avloc.simulator.SoundSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Renders a scene (sources, paths, noise) as the multichannel recording of its microphone array.",
      "Free field, exact fractional delays, 1/r; deterministic with the scene's seed. Format: docs/scene-format.md"
    })
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--scene", required = true, description = "scene JSON")
  Path scene;

  @Option(names = "--out", required = true, description = "output WAV, one channel per microphone")
  Path out;

  @Option(
      names = "--pcm16",
      description = "write 16-bit PCM (clipped to +-1 Pa full scale) instead of float32 pascals")
  boolean pcm16;

  @Override
  public Integer call() throws Exception {
    Scene parsed = Scene.parse(scene);
    long t0 = System.nanoTime();
    Simulation simulation = SceneSimulator.render(parsed);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (pcm16) {
      AudioFiles.writePcm16(out, simulation.audio());
    } else {
      AudioFiles.writeFloat32(out, simulation.audio());
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d sources, %.2f s at %.0f Hz, array %s (%d mics) -> %s (%s, rendered in %.1f s)%n",
        scene,
        parsed.sources().size(),
        parsed.duration(),
        parsed.sampleRate(),
        parsed.array().name(),
        parsed.array().size(),
        out,
        pcm16 ? "PCM16" : "float32",
        seconds);
    for (int i = 0; i < parsed.sources().size(); i++) {
      SoundSource s = parsed.sources().get(i);
      double[] start = simulation.trueDirection(i, 0);
      double[] end = simulation.trueDirection(i, parsed.duration());
      System.out.printf(
          Locale.ROOT,
          "  %-10s %-10s azimuth %6.1f -> %6.1f deg, elevation %5.1f -> %5.1f deg%n",
          s.name(),
          s.label(),
          Directions.azimuthDeg(start),
          Directions.azimuthDeg(end),
          Directions.elevationDeg(start),
          Directions.elevationDeg(end));
    }
    return 0;
  }
}
