package ai.avloc.cli;

import ai.avloc.cli.bench.DashboardBench;
import ai.avloc.cli.bench.GatewayBench;
import ai.avloc.cli.bench.ImagingBench;
import ai.avloc.cli.bench.ModelBench;
import ai.avloc.cli.bench.StreamBench;
import ai.avloc.ingest.live.LiveCamera;
import ai.avloc.stream.job.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench imaging|stream|model}: one subcommand per benchmark, each with its own options. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Throughput benchmarks that print a table.",
    subcommands = {
      BenchCommand.Imaging.class,
      BenchCommand.Stream.class,
      BenchCommand.Model.class,
      BenchCommand.GatewayCameras.class,
      BenchCommand.DashboardGrid.class
    })
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing the benchmark: imaging, stream, model or gateway");
  }

  @Command(
      name = "imaging",
      mixinStandardHelpOptions = true,
      description = "MFCC windows/s on one core; 36x48x12 acoustic images/s with the time split.")
  static final class Imaging implements Callable<Integer> {
    @Option(
        names = "--seconds",
        defaultValue = "16",
        description = "audio seconds per acoustic-image run (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(
        names = "--mics",
        defaultValue = "128",
        description = "array size: 128 (dualcam128) or 64 (vogel64)")
    int mics;

    @Option(
        names = "--imaging",
        defaultValue = "java",
        split = ",",
        description =
            "implementations to time: java (the sgemm imager, with its stage split) and/or"
                + " tensorflow (the beamforming graph through DJL, on a GPU when TensorFlow sees"
                + " one), e.g. java,tensorflow (default: ${DEFAULT-VALUE})")
    List<String> imaging;

    @Override
    public Integer call() {
      return new ImagingBench(mics, seconds, imaging).run();
    }
  }

  @Command(
      name = "stream",
      mixinStandardHelpOptions = true,
      description =
          "The whole job on a local broker and an in-process Flink cluster, with the shipped"
              + " model: sustained windows/s, latency to the localization and to the alert on their"
              + " topics, the job's and the load generator's CPU apart, and the job's per-stage"
              + " profile, per stream count.")
  static final class Stream implements Callable<Integer> {
    @Option(
        names = "--mono-streams",
        defaultValue = "1,8,32",
        description = "camera counts for the mono path (default: ${DEFAULT-VALUE})")
    String monoStreams;

    @Option(
        names = "--array-streams",
        defaultValue = "1,4",
        description = "camera counts for the array path (default: ${DEFAULT-VALUE})")
    String arrayStreams;

    @Option(
        names = "--measure",
        defaultValue = "20s",
        description = "measured span per row, after a warm-up (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Option(
        names = "--warm-up",
        defaultValue = "8s",
        description = "unmeasured start of each row (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(
        names = "--job",
        description = "extra job options, e.g. --job=--max-wait-ms=5 (repeatable)")
    List<String> jobOptions = new ArrayList<>();

    @Option(
        names = "--parallelism",
        defaultValue = "2",
        description = "the job's parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(
        names = "--model",
        defaultValue = JobConfig.SHIPPED_MODEL,
        description = "the mono path's model directory (default: the shipped ${DEFAULT-VALUE})")
    Path model;

    @Option(
        names = "--json",
        description =
            "also write the rows (mode, streams, windowsPerSecond, targetPerSecond, p50Ms, p99Ms,"
                + " jobCpuCores, generatorCpuCores, model, the alert latency and the stage"
                + " profile) to this JSON file")
    Path json;

    @Override
    public Integer call() throws Exception {
      return new StreamBench(
              new StreamBench.Options(
                  StreamBench.counts(monoStreams),
                  StreamBench.counts(arrayStreams),
                  warmUp,
                  measure,
                  parallelism,
                  jobOptions.stream().flatMap(o -> Arrays.stream(o.split("=", 2))).toList(),
                  model,
                  json))
          .run();
    }
  }

  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description =
          "Windows/s of acoustic-image models through DJL's TensorFlow engine per batch size"
              + " (--model DIR, repeatable; --untrained compact,paper for freshly built presets).")
  static final class Model implements Callable<Integer> {
    @Option(names = "--model", description = "a model directory (repeatable)")
    List<Path> models = new ArrayList<>();

    @Option(
        names = "--untrained",
        description = "presets to build untrained and measure, e.g. compact,paper")
    String untrained;

    @Option(
        names = "--rounds",
        defaultValue = "5",
        description =
            "interleaved rounds that share each row's --measure; a row reports its median"
                + " round (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
        names = "--batches",
        defaultValue = "1,16",
        description = "batch sizes (default: ${DEFAULT-VALUE})")
    String batches;

    @Option(
        names = "--measure",
        defaultValue = "20s",
        description = "measured span per row, shared by its rounds (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Override
    public Integer call() throws Exception {
      return new ModelBench(
              models,
              untrained == null ? List.of() : List.of(untrained.split(",")),
              Arrays.stream(batches.split(",")).mapToInt(Integer::parseInt).toArray(),
              measure,
              rounds)
          .run();
    }
  }

  @Command(
      name = "gateway",
      mixinStandardHelpOptions = true,
      description =
          "One gateway's CPU per live camera: N cameras read a recording from a local RTSP"
              + " server (infra/bin/rtsp-camera, the file sent as it is), decoded to 12 fps 298x224"
              + " JPEG and 12288 Hz chunks, into a counting sink.")
  static final class GatewayCameras implements Callable<Integer> {
    @Option(
        names = "--media",
        required = true,
        description =
            "an MP4/MKV/TS with H.264 video and AAC audio, e.g. a 720p or 1080p recording")
    Path media;

    @Option(
        names = "--cameras",
        defaultValue = "1,2,4",
        split = ",",
        description = "camera counts, one row each (default: ${DEFAULT-VALUE})")
    List<Integer> cameras;

    @Option(
        names = "--measure",
        defaultValue = "20s",
        description = "measured span per row (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Option(
        names = "--warm-up",
        defaultValue = "5s",
        description =
            "time the cameras run before each row is measured (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(
        names = "--transport",
        defaultValue = "TCP",
        description = "RTSP media over TCP or UDP (default: ${DEFAULT-VALUE})")
    LiveCamera.Transport transport;

    @Override
    public Integer call() throws Exception {
      var rows =
          new GatewayBench(
                  Path.of("").toAbsolutePath(),
                  media,
                  cameras,
                  transport,
                  warmUp,
                  measure,
                  System.out)
              .run();
      System.out.print(GatewayBench.table(media, transport, rows));
      return 0;
    }
  }

  @Command(
      name = "dashboard",
      mixinStandardHelpOptions = true,
      description = {
        "Latency of the live grid: N cameras publish a localization and a frame every 1/12 s, the",
        "dashboard follows them and headless Chromium (Debian's chromium + chromium-driver) shows",
        "the grid; prints arrival on the topic -> painted, p50/p99, and each part's CPU."
      })
  static final class DashboardGrid implements Callable<Integer> {
    @Option(
        names = "--cameras",
        defaultValue = "32",
        description = "cameras on the grid (default: ${DEFAULT-VALUE})")
    int cameras;

    @Option(
        names = "--measure",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description = "measured span (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Option(
        names = "--warm-up",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description = "time the grid runs before it is measured (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Override
    public Integer call() throws Exception {
      var result =
          new DashboardBench(Path.of("").toAbsolutePath(), cameras, warmUp, measure, System.out)
              .run();
      System.out.print(DashboardBench.table(result));
      return 0;
    }
  }
}
