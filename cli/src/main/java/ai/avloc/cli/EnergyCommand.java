package ai.avloc.cli;

import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "energy",
    mixinStandardHelpOptions = true,
    description = {
      "The paper's energy map of acoustic images (inverse lifter, inverse DCT, 1 / sum exp).",
      "Input shape (H, W, 12) or (frames, H, W, 12); output (H, W) or (frames, H, W)."
    })
final class EnergyCommand implements Callable<Integer> {
  @Option(names = "--in", required = true, description = "acoustic image .npy")
  Path in;

  @Option(names = "--out", required = true, description = "energy map .npy")
  Path out;

  @Option(names = "--png", description = "heatmap PNG (a grid of up to 12 frames for a sequence)")
  Path png;

  @Override
  public Integer call() throws Exception {
    NpyArray image = Npy.read(in);
    int rank = image.rank();
    if (!(rank == 3 || rank == 4) || image.dim(rank - 1) != MfccSpec.COEFFICIENTS) {
      throw new IllegalArgumentException(
          in
              + ": shape "
              + Arrays.toString(image.shape())
              + " is not (H, W, 12) or (frames, H, W, 12)");
    }
    int frames = rank == 4 ? image.dim(0) : 1;
    int rows = image.dim(rank - 3);
    int cols = image.dim(rank - 2);
    float[] energy = EnergyMap.of(image.data());
    int[] shape = rank == 4 ? new int[] {frames, rows, cols} : new int[] {rows, cols};
    Npy.write(out, new NpyArray(shape, energy));
    System.out.printf(
        Locale.ROOT, "%s: %d frame(s) of %d x %d -> energy %s%n", in, frames, rows, cols, out);
    List<BufferedImage> tiles = new ArrayList<>();
    int step = Math.max(1, frames / 12);
    for (int f = 0; f < frames; f += step) {
      float[] map = Arrays.copyOfRange(energy, f * rows * cols, (f + 1) * rows * cols);
      List<Peak> peaks = PeakFinder.find(map, rows, cols, 1, 3);
      if (!peaks.isEmpty()) {
        Peak p = peaks.get(0);
        System.out.printf(
            Locale.ROOT,
            "  frame %d: peak at row %d col %d (u %.3f, v %.3f), flatness %.5f%n",
            f,
            p.row(),
            p.col(),
            p.u(),
            p.v(),
            PeakFinder.flatness(map));
      }
      if (png != null && tiles.size() < 12) {
        tiles.add(Heatmap.render(map, rows, cols, Heatmap.Style.titled("frame " + f, "energy")));
      }
    }
    if (png != null) {
      if (tiles.size() == 1) {
        javax.imageio.ImageIO.write(tiles.get(0), "png", png.toFile());
      } else {
        Heatmap.writeGrid(png, tiles, 4, in.getFileName() + ": energy maps");
      }
    }
    return 0;
  }
}
