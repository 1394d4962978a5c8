package ai.avloc.cli;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.array.MicArrayFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.beamforming.LookGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Parsing shared by the commands: geometries, grids, audio brought to the model's rate. */
public final class Inputs {
  private Inputs() {}

  /** A built-in array name (BuiltinArrays.names()) or an Acoular XML / CSV file. */
  static MicArray geometry(String nameOrPath) throws IOException {
    Path path = Path.of(nameOrPath);
    if (Files.exists(path)) {
      return MicArrayFiles.read(path);
    }
    if (nameOrPath.endsWith(".xml") || nameOrPath.endsWith(".csv")) {
      throw new IllegalArgumentException(nameOrPath + ": no such geometry file");
    }
    return BuiltinArrays.byName(nameOrPath);
  }

  /** "65x50" (degrees) to the 36x48 camera grid. */
  static LookGrid fov(String spec, int rows, int cols) {
    String[] parts = spec.toLowerCase().split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "--fov '" + spec + "': expected HFOVxVFOV in degrees, e.g. 65x50");
    }
    return LookGrid.cameraFov(number(parts[0], "--fov"), number(parts[1], "--fov"), rows, cols);
  }

  /** "x0:x1:nx,y0:y1:ny,z" to a focus plane. */
  static LookGrid focusGrid(String spec) {
    String[] parts = spec.split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException("--grid '" + spec + "': expected x0:x1:nx,y0:y1:ny,z");
    }
    String[] x = parts[0].split(":");
    String[] y = parts[1].split(":");
    if (x.length != 3 || y.length != 3) {
      throw new IllegalArgumentException("--grid '" + spec + "': expected x0:x1:nx,y0:y1:ny,z");
    }
    int nx = count(x[2]);
    int ny = count(y[2]);
    return LookGrid.focusPlane(
        number(x[0], "--grid"),
        number(x[1], "--grid"),
        nx,
        number(y[0], "--grid"),
        number(y[1], "--grid"),
        ny,
        number(parts[2], "--grid"));
  }

  static double[] point(String spec, String option) {
    String[] parts = spec.split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException(option + " '" + spec + "': expected x,y,z in metres");
    }
    return new double[] {
      number(parts[0], option), number(parts[1], option), number(parts[2], option)
    };
  }

  static double number(String text, String option) {
    try {
      double v = Double.parseDouble(text.trim());
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a number");
    }
  }

  private static int count(String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n < 1) {
        throw new IllegalArgumentException(
            "--grid: a grid with " + n + " points along an axis has no points");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--grid: point count '" + text + "' is not a whole number");
    }
  }

  /** Every channel resampled to 12288 Hz and scaled to PCM16 units, the MFCC chain's input. */
  public static float[][] modelRateChannels(MultichannelAudio audio) {
    return audio.modelRateChannels();
  }

  /** Mean of all channels: what one microphone would hear near the array's centre. */
  static float[] mono(MultichannelAudio audio) {
    if (audio.channelCount() == 1) {
      return audio.channel(0);
    }
    float[] mono = new float[audio.frames()];
    for (float[] channel : audio.channels()) {
      for (int i = 0; i < mono.length; i++) {
        mono[i] += channel[i] / audio.channelCount();
      }
    }
    return mono;
  }
}
