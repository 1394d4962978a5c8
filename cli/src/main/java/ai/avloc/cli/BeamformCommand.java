package ai.avloc.cli;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.beamforming.AcousticCamera;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.beamforming.Steering;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "beamform",
    mixinStandardHelpOptions = true,
    description = {
      "Filter-and-sum beamforming of a multichannel WAV recorded by a microphone array.",
      "Plain map (--freq or --band): beam power per grid point at the file's own sample rate,"
          + " Welch-averaged over Hann blocks; shape (ny, nx), row = y.",
      "--acoustic-image: the 36x48x12 MFCC volume per 1/12 s frame at 12288 Hz; shape (frames, ny, nx, 12)."
    })
final class BeamformCommand implements Callable<Integer> {
  @Option(
      names = "--in",
      required = true,
      description = "multichannel WAV, one channel per microphone")
  Path in;

  @Option(
      names = "--geometry",
      required = true,
      description =
          "microphone positions: Acoular XML, CSV (x,y,z), or a built-in name (dualcam128, vogel64, respeaker4, respeaker6, uma16)")
  String geometry;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Where where;

  static final class Where {
    @Option(
        names = "--fov",
        description =
            "camera field of view HFOVxVFOV in degrees: a 36x48 direction grid (far field)")
    String fov;

    @Option(
        names = "--grid",
        description = "focus plane x0:x1:nx,y0:y1:ny,z in metres (near field)")
    String grid;
  }

  @ArgGroup(exclusive = true)
  What what;

  static final class What {
    @Option(names = "--freq", description = "map at the FFT bin nearest this frequency, Hz")
    Double freq;

    @Option(names = "--band", description = "map of the power summed over LO:HI Hz")
    String band;
  }

  @Option(
      names = "--acoustic-image",
      description = "write the MFCC acoustic images instead of a plain map")
  boolean acousticImage;

  @Option(
      names = "--steering",
      defaultValue = "classic",
      description = "classic or true-level (default: ${DEFAULT-VALUE})")
  String steering;

  @Option(
      names = "--speed-of-sound",
      defaultValue = "" + Air.SPEED_OF_SOUND,
      description = "m/s (default: ${DEFAULT-VALUE})")
  double speedOfSound;

  @Option(
      names = "--method",
      defaultValue = "delay-and-sum",
      description =
          "plain maps: delay-and-sum or functional (sharper, resolves sources inside the main lobe) (default: ${DEFAULT-VALUE})")
  String method;

  @Option(
      names = "--nu",
      defaultValue = "20",
      description = "exponent of functional beamforming (default: ${DEFAULT-VALUE})")
  double nu;

  @Option(
      names = "--remove-diagonal",
      description = "drop the cross-spectral matrix's diagonal (microphone self noise)")
  boolean removeDiagonal;

  @Option(
      names = "--block",
      defaultValue = "1024",
      description = "FFT block for plain maps, samples (default: ${DEFAULT-VALUE})")
  int block;

  @Option(
      names = "--ref",
      defaultValue = "0,0,0",
      description =
          "reference point x,y,z for true-level steering (default: array centre ${DEFAULT-VALUE})")
  String ref;

  @Option(
      names = "--db",
      description = "plain map as sound pressure level, dB re 20 uPa (samples read as pascals)")
  boolean decibels;

  @Option(names = "--out", required = true, description = "output .npy (float32, C order)")
  Path out;

  @Option(
      names = "--png",
      description = "also draw the map (or the acoustic images' mean energy map) as a PNG heatmap")
  Path png;

  @Override
  public Integer call() throws Exception {
    MicArray array = Inputs.geometry(geometry);
    MultichannelAudio audio = AudioFiles.read(in);
    if (audio.channelCount() != array.size()) {
      throw new IllegalArgumentException(
          in
              + " has "
              + audio.channelCount()
              + " channels but geometry "
              + array.name()
              + " has "
              + array.size()
              + " microphones");
    }
    LookGrid grid =
        where.fov != null ? Inputs.fov(where.fov, 36, 48) : Inputs.focusGrid(where.grid);
    Steering steer = Steering.parse(steering);
    AcousticCamera.Method beamformer =
        switch (method) {
          case "delay-and-sum" -> AcousticCamera.Method.DELAY_AND_SUM;
          case "functional" -> AcousticCamera.Method.FUNCTIONAL;
          default ->
              throw new IllegalArgumentException(
                  "--method '" + method + "': expected delay-and-sum or functional");
        };
    boolean functional = beamformer == AcousticCamera.Method.FUNCTIONAL;
    if (functional && removeDiagonal) {
      throw new IllegalArgumentException(
          "--remove-diagonal does not combine with --method functional: the matrix root needs the"
              + " full, positive semi-definite cross-spectral matrix");
    }
    if (steer == Steering.TRUE_LEVEL && where.fov != null) {
      System.err.println(
          "avloc beamform: note: --fov looks at plane waves, where true-level and classic"
              + " steering coincide; use --grid for a focus distance");
    }
    if (acousticImage) {
      if (functional) {
        throw new IllegalArgumentException(
            "--method functional makes plain maps; acoustic images use delay-and-sum");
      }
      // acoustic images steer from the array centre: --ref is not read
      return acousticImages(
          array,
          audio,
          new BeamSteering(array, grid, steer, speedOfSound, removeDiagonal, new double[3]));
    }
    if (what == null) {
      throw new IllegalArgumentException(
          "give --freq HZ or --band LO:HI for a plain map, or --acoustic-image");
    }
    double low;
    double high = Double.NaN;
    if (what.freq != null) {
      low = what.freq;
    } else {
      String[] parts = what.band.split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException("--band '" + what.band + "': expected LO:HI in Hz");
      }
      low = Inputs.number(parts[0], "--band");
      high = Inputs.number(parts[1], "--band");
    }
    float[] map =
        AcousticCamera.plainMap(
            new BeamSteering(
                array, grid, steer, speedOfSound, removeDiagonal, Inputs.point(ref, "--ref")),
            audio,
            new AcousticCamera.MapSettings(beamformer, low, high, block, nu, decibels));
    Npy.write(out, new NpyArray(new int[] {grid.rows(), grid.cols()}, map));
    List<Peak> peaks = PeakFinder.find(map, grid.rows(), grid.cols(), 3, 3);
    String what = what();
    System.out.printf(
        Locale.ROOT,
        "%s: %d mics, %.2f s at %.0f Hz; %s; %s, %s, %s steering -> %s (%d x %d)%n",
        in,
        array.size(),
        audio.seconds(),
        audio.sampleRate(),
        grid,
        what,
        method,
        steer,
        out,
        grid.rows(),
        grid.cols());
    for (Peak p : peaks) {
      double[] v = grid.vector(p.row() * grid.cols() + p.col());
      System.out.printf(
          Locale.ROOT,
          "  peak at row %d col %d (x %.3f, y %.3f, z %.3f): %.4g%s%n",
          p.row(),
          p.col(),
          v[0],
          v[1],
          v[2],
          p.value(),
          decibels ? " dB" : "");
    }
    if (png != null) {
      Heatmap.writePng(
          png,
          map,
          grid.rows(),
          grid.cols(),
          Heatmap.Style.titled(
              in.getFileName() + ": " + what, decibels ? "dB re 20 uPa" : "mean square"));
    }
    return 0;
  }

  private String what() {
    return what.freq != null ? String.format(Locale.ROOT, "%.1f Hz", what.freq) : what.band + " Hz";
  }

  private int acousticImages(MicArray array, MultichannelAudio audio, BeamSteering steering)
      throws java.io.IOException {
    AcousticCamera.Images images = AcousticCamera.acousticImages(steering, audio);
    int frames = images.frames();
    if (frames == 0) {
      throw new IllegalArgumentException(in + ": shorter than one 1/12 s frame");
    }
    Npy.write(out, new NpyArray(images.shape(), images.images()));
    System.out.printf(
        Locale.ROOT,
        "%s: %d mics, %d frames of 1/12 s -> acoustic images %s (%d x %d x %d x 12)%n",
        in,
        array.size(),
        frames,
        out,
        frames,
        images.rows(),
        images.cols());
    if (png != null) {
      Heatmap.writePng(
          png,
          images.meanEnergy(),
          images.rows(),
          images.cols(),
          Heatmap.Style.titled(
              in.getFileName() + ": mean energy map of " + frames + " frames", "energy"));
    }
    return 0;
  }
}
