package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every bad input ends in one line that names the problem and a non-zero exit, never a stack trace.
 */
class BadInputTest {
  @TempDir Path dir;

  record Run(int exit, String err) {}

  static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Avloc.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int exit = cli.execute(args);
    return new Run(exit, err.toString());
  }

  static void assertFailsWith(Run run, String... fragments) {
    assertTrue(run.exit() != 0, "exit code " + run.exit());
    for (String fragment : fragments) {
      assertTrue(run.err().contains(fragment), "expected '" + fragment + "' in: " + run.err());
    }
    assertFalse(run.err().contains("\tat "), "stack trace in: " + run.err());
  }

  Path wav(String name, int channels, int rate, int frames) throws Exception {
    float[][] data = new float[channels][frames];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < frames; i++) {
        data[c][i] = (float) (0.1 * Math.sin(2 * Math.PI * 440 * i / rate + c));
      }
    }
    Path path = dir.resolve(name);
    AudioFiles.writePcm16(path, new MultichannelAudio(data, rate));
    return path;
  }

  /** Runs beamform on a 64-channel recording with the vogel64 geometry, plus the given options. */
  Run beamformVogel64(String... options) throws Exception {
    Path in = wav("mics.wav", 64, 12288, 8192);
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "beamform",
                "--in",
                in.toString(),
                "--geometry",
                "vogel64",
                "--out",
                dir.resolve("m.npy").toString()));
    args.addAll(java.util.List.of(options));
    return run(args.toArray(String[]::new));
  }

  @Test
  void shouldNameBothCountsWhenChannelsDoNotMatchTheGeometry() throws Exception {
    Path in = wav("eight.wav", 8, 12288, 4096);
    assertFailsWith(
        run(
            "beamform",
            "--in",
            in.toString(),
            "--geometry",
            "vogel64",
            "--fov",
            "65x50",
            "--freq",
            "1000",
            "--out",
            dir.resolve("m.npy").toString()),
        "8 channels",
        "64 microphones");
  }

  @Test
  void shouldRejectAnEmptyFile() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.wav"));
    assertFailsWith(
        run("mfcc", "--in", empty.toString(), "--out", dir.resolve("m.csv").toString()),
        "empty file");
  }

  @Test
  void shouldRejectATruncatedFile() throws Exception {
    Path in = wav("whole.wav", 1, 12288, 12288);
    byte[] bytes = Files.readAllBytes(in);
    Path cut = dir.resolve("cut.wav");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertFailsWith(
        run("mfcc", "--in", cut.toString(), "--out", dir.resolve("m.csv").toString()),
        "truncated",
        "12288 frames");
  }

  @Test
  void shouldRejectNonFiniteSamples() throws Exception {
    // a float32 WAV written by hand, with a NaN at sample 5
    int frames = 2048;
    ByteBuffer b = ByteBuffer.allocate(44 + 4 * frames).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + 4 * frames).put("WAVE".getBytes());
    b.put("fmt ".getBytes())
        .putInt(16)
        .putShort((short) 3)
        .putShort((short) 1)
        .putInt(12288)
        .putInt(4 * 12288)
        .putShort((short) 4)
        .putShort((short) 32);
    b.put("data".getBytes()).putInt(4 * frames);
    for (int i = 0; i < frames; i++) {
      b.putFloat(i == 5 ? Float.NaN : 0.01f);
    }
    Path in = dir.resolve("nan.wav");
    Files.write(in, b.array());
    assertFailsWith(
        run("mfcc", "--in", in.toString(), "--out", dir.resolve("m.csv").toString()),
        "sample 5 of channel 0",
        "NaN");
  }

  @Test
  void shouldRejectASampleRateOutsideEightToNinetySixKilohertz() throws Exception {
    Path in = wav("slow.wav", 1, 4000, 4000);
    assertFailsWith(
        run("mfcc", "--in", in.toString(), "--out", dir.resolve("m.csv").toString()),
        "4000",
        "8000..96000");
  }

  @Test
  void shouldRejectAGeometryWithCoincidentMicrophones() throws Exception {
    Path csv = dir.resolve("twins.csv");
    Files.writeString(csv, "x,y,z\n0,0,0\n0.1,0,0\n0.1,0,0\n");
    Path in = wav("three.wav", 3, 12288, 4096);
    assertFailsWith(
        run(
            "beamform",
            "--in",
            in.toString(),
            "--geometry",
            csv.toString(),
            "--fov",
            "65x50",
            "--freq",
            "1000",
            "--out",
            dir.resolve("m.npy").toString()),
        "coincide");
  }

  @Test
  void shouldRejectAGridWithZeroPoints() throws Exception {
    assertFailsWith(beamformVogel64("--grid", "-1:1:0,-1:1:5,2", "--freq", "1000"), "no points");
  }

  @Test
  void shouldRejectAFrequencyAboveNyquist() throws Exception {
    assertFailsWith(beamformVogel64("--fov", "65x50", "--freq", "7000"), "7000", "Nyquist");
  }

  @Test
  void shouldRejectAnEnergyInputThatIsNotAnAcousticImage() throws Exception {
    Path npy = dir.resolve("flat.npy");
    ai.avloc.acoustics.io.Npy.write(
        npy, new ai.avloc.acoustics.io.NpyArray(new int[] {36, 48}, new float[36 * 48]));
    assertFailsWith(
        run("energy", "--in", npy.toString(), "--out", dir.resolve("e.npy").toString()),
        "(H, W, 12)");
  }

  @Test
  void shouldExplainAMissingRequiredOption() {
    Run run = run("mfcc", "--in", "a.wav");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--out"), run.err());
  }

  @Test
  void shouldRefuseTheNyquistBinItselfAndNameTheHighestFrequency() throws Exception {
    assertFailsWith(
        beamformVogel64("--fov", "65x50", "--freq", "6140"), "Nyquist bin", "6132.0 Hz");
  }

  @Test
  void shouldRefuseAnFftBlockTooLargeToHold() throws Exception {
    assertFailsWith(
        beamformVogel64("--fov", "65x50", "--freq", "1000", "--block", "262144"),
        "16..65536",
        "262144");
  }

  @Test
  void shouldRefuseDiagonalRemovalWithFunctionalBeamforming() throws Exception {
    assertFailsWith(
        beamformVogel64(
            "--fov", "65x50", "--freq", "1000", "--method", "functional", "--remove-diagonal"),
        "--remove-diagonal does not combine");
  }
}
