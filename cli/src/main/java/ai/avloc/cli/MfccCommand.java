package ai.avloc.cli;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.Mfcc;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.audio.Resampler;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import ai.avloc.schemas.WindowClock;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "mfcc",
    mixinStandardHelpOptions = true,
    description = {
      "The model's audio input: one min-max normalized 12-MFCC row per 1/12 s window.",
      "Any WAV from 8 to 96 kHz; channels are averaged to mono, then resampled to 12288 Hz."
    })
final class MfccCommand implements Callable<Integer> {
  @Option(names = "--in", required = true, description = "input WAV file")
  Path in;

  @Option(
      names = "--out",
      required = true,
      description = "output .csv (header c1..c12) or .npy (windows x 12)")
  Path out;

  @Option(names = "--channel", description = "use this channel instead of the mean of all channels")
  Integer channel;

  @Override
  public Integer call() throws Exception {
    MultichannelAudio audio = AudioFiles.read(in);
    float[] mono;
    if (channel != null) {
      if (channel < 0 || channel >= audio.channelCount()) {
        throw new IllegalArgumentException(
            "--channel " + channel + ": " + in + " has channels 0.." + (audio.channelCount() - 1));
      }
      mono = audio.channel(channel);
    } else {
      mono = Inputs.mono(audio);
    }
    float[] resampled = Resampler.resample(mono, audio.sampleRate(), WindowClock.SAMPLE_RATE);
    for (int i = 0; i < resampled.length; i++) {
      resampled[i] *= MfccSpec.PCM16_SCALE;
    }
    if (resampled.length < WindowClock.SAMPLES_PER_WINDOW) {
      throw new IllegalArgumentException(
          in
              + ": "
              + String.format(Locale.ROOT, "%.3f", audio.seconds())
              + " s of audio is shorter than one 1/12 s window");
    }
    float[] mfcc = new Mfcc().normalizedWindows(resampled);
    int windows = mfcc.length / MfccSpec.COEFFICIENTS;
    if (out.toString().endsWith(".npy")) {
      Npy.write(out, new NpyArray(new int[] {windows, MfccSpec.COEFFICIENTS}, mfcc));
    } else {
      writeCsv(mfcc, windows);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s at %.0f Hz, %d channel(s) -> %d windows x 12 MFCC -> %s%n",
        in,
        audio.seconds(),
        audio.sampleRate(),
        audio.channelCount(),
        windows,
        out);
    return 0;
  }

  private void writeCsv(float[] mfcc, int windows) throws java.io.IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      w.write("c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12\n");
      for (int r = 0; r < windows; r++) {
        StringBuilder line = new StringBuilder();
        for (int m = 0; m < MfccSpec.COEFFICIENTS; m++) {
          if (m > 0) {
            line.append(',');
          }
          line.append(mfcc[r * MfccSpec.COEFFICIENTS + m]);
        }
        w.write(line.append('\n').toString());
      }
    }
  }
}
