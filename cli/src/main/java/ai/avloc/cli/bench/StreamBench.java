package ai.avloc.cli.bench;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.infra.LocalKafka;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import com.sun.management.OperatingSystemMXBean;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench stream}: sustained windows/s and latency of the whole job on a real broker (own JVM)
 * and a local Flink cluster (in process): N simulated cameras publish at real time, the job
 * localizes, a consumer times each localization from the gateway's publish (the input record's
 * timestamp) to its arrival on the topic. One row per mode and camera count.
 */
public final class StreamBench {
  /**
   * What to measure.
   *
   * @param monoStreams camera counts for the mono path, one row each
   * @param arrayStreams camera counts for the array path, one row each
   * @param warmUp unmeasured start of each row
   * @param measure measured span of each row
   * @param parallelism the job's parallelism
   * @param jobOptions extra job arguments, each option and its value apart
   */
  public record Options(
      int[] monoStreams,
      int[] arrayStreams,
      Duration warmUp,
      Duration measure,
      int parallelism,
      List<String> jobOptions) {}

  private final Options o;
  private Path workDir;

  public StreamBench(Options o) {
    this.o = o;
  }

  /** One row of the table. */
  record Result(
      String mode,
      int streams,
      double windowsPerSecond,
      double targetPerSecond,
      double p50Millis,
      double p99Millis,
      double jobP50Millis,
      double cores,
      long received,
      long silentOrEmpty,
      long deadLetters) {}

  /** Starts a broker, measures every row on it, prints the table. */
  public int run() throws Exception {
    printHeader();
    workDir = Files.createTempDirectory("avloc-bench");
    List<Result> results = new ArrayList<>();
    try (LocalKafka kafka =
        LocalKafka.start(Path.of("").toAbsolutePath(), workDir.resolve("kafka"))) {
      for (int n : o.monoStreams()) {
        System.out.printf(Locale.ROOT, "  mono x%d ...%n", n);
        results.add(row(kafka, "mono", n));
      }
      for (int n : o.arrayStreams()) {
        System.out.printf(Locale.ROOT, "  array x%d ...%n", n);
        results.add(row(kafka, "array", n));
      }
    }
    System.out.println();
    System.out.print(table(results));
    return 0;
  }

  private void printHeader() {
    System.out.printf(
        Locale.ROOT,
        "avloc bench stream — %d cores, Java %s; Kafka broker in its own JVM, Flink in process (parallelism"
            + " %d), checkpoints every 1 s, exactly-once sinks; latency = arrival on the topic"
            + " (read_uncommitted) minus the gateway's publish time%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        o.parallelism());
  }

  /** One mode and camera count: the job started on fresh topics, fed, measured and cancelled. */
  Result row(LocalKafka kafka, String mode, int streams) throws Exception {
    String prefix = "bench-" + mode + "-" + streams + ".";
    Topics topics = Topics.withPrefix(prefix);
    kafka.createTopics(
        4,
        topics.frames().name(),
        topics.audio().name(),
        topics.arrayAudio().name(),
        topics.localizations().name(),
        topics.deadLetters().name());
    JobClient job = startJob(kafka, prefix, mode, streams);
    AtomicBoolean stop = new AtomicBoolean();
    Thread gateway = new Thread(() -> publish(kafka, topics, mode, streams, stop), "bench-gateway");
    gateway.setDaemon(true);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Double> latencies = new ArrayList<>();
    List<Double> inJob = new ArrayList<>();
    long received = 0;
    long silentOrEmpty = 0;
    try (TopicReader<Localization> consumer = reader(kafka).open(topics.localizations())) {
      gateway.start();
      long start = System.nanoTime();
      long measureFrom = start + o.warmUp().toNanos();
      long measureTo = measureFrom + o.measure().toNanos();
      long cpuFrom = -1;
      while (System.nanoTime() < measureTo) {
        List<Localization> records = consumer.poll(Duration.ofMillis(100));
        long now = System.currentTimeMillis();
        long nano = System.nanoTime();
        if (cpuFrom < 0 && nano >= measureFrom) {
          cpuFrom = os.getProcessCpuTime();
        }
        if (nano < measureFrom) {
          continue;
        }
        for (Localization l : records) {
          latencies.add((double) (now - l.getIngestTime().toEpochMilli()));
          inJob.add((double) (l.getEmitTime().toEpochMilli() - l.getIngestTime().toEpochMilli()));
          received++;
          if (l.getSilent() || !l.getInferred()) {
            silentOrEmpty++;
          }
        }
      }
      double cores = (os.getProcessCpuTime() - cpuFrom) / (double) o.measure().toNanos();
      long deadLetters = count(kafka, topics.deadLetters().name());
      stop.set(true);
      gateway.join(5000);
      job.cancel().get();
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] jobSorted = inJob.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return new Result(
          mode,
          streams,
          received / (o.measure().toNanos() / 1e9),
          12.0 * streams,
          percentile(sorted, 0.50),
          percentile(sorted, 0.99),
          percentile(jobSorted, 0.50),
          cores,
          received,
          silentOrEmpty,
          deadLetters);
    }
  }

  /**
   * The localization job in this JVM's Flink, on the row's topics; mono rows with a bright-spot
   * model.
   */
  private JobClient startJob(LocalKafka kafka, String prefix, String mode, int streams)
      throws Exception {
    Path model = workDir.resolve("bright-spot");
    if (!Files.exists(model.resolve("saved_model.pb"))) {
      BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic-prefix",
                prefix,
                "--group",
                "bench-" + mode + "-" + streams,
                "--checkpoint-ms",
                "1000"));
    if (mode.equals("mono")) {
      args.addAll(List.of("--model", model.toString()));
    }
    args.addAll(o.jobOptions());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(o.parallelism());
    JobConfig config = JobConfig.parse(args.toArray(String[]::new));
    LocalizationJob.configure(env, config);
    LocalizationJob.build(env, config);
    return env.executeAsync("bench " + mode + " x" + streams);
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  /** N cameras at real time: per 1/12 s, one frame and one 1024-sample chunk (or array chunk). */
  static void publish(
      LocalKafka kafka, Topics topics, String mode, int streams, AtomicBoolean stop) {
    int mics = BuiltinArrays.dualcam128().size();
    byte[] jpeg = syntheticFrame();
    SplittableRandom random = new SplittableRandom(1);
    ByteBuffer noise = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 1024; i++) {
      noise.putShort((short) (random.nextGaussian() * 3000));
    }
    noise.flip();
    float[] arrayNoise = new float[mics * 1024];
    for (int i = 0; i < arrayNoise.length; i++) {
      arrayNoise[i] = (float) (random.nextGaussian() * 0.01);
    }
    ByteBuffer arrayBytes =
        ByteBuffer.allocate(4 * arrayNoise.length).order(ByteOrder.LITTLE_ENDIAN);
    arrayBytes.asFloatBuffer().put(arrayNoise);
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long started = System.nanoTime();
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                2,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                1 << 20),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (long k = 0; !stop.get(); k++) {
        // a chunk leaves the camera once recorded: at the end of its span
        long dueNanos =
            started + Math.floorDiv(1024L * (k + 1) * 1_000_000_000L, WindowClock.SAMPLE_RATE);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        Instant at =
            t0.plus(
                Math.floorDiv(1024L * k * 1_000_000L, WindowClock.SAMPLE_RATE), ChronoUnit.MICROS);
        for (int s = 0; s < streams; s++) {
          String id = "cam-" + s;
          if (mode.equals("mono")) {
            String frames = topics.frames().name();
            String audio = topics.audio().name();
            VideoFrame f =
                VideoFrame.newBuilder()
                    .setStreamId(id)
                    .setSequence(k)
                    .setTimestamp(at.plusNanos(1000))
                    .setWidth(ModelShapes.FRAME_WIDTH)
                    .setHeight(ModelShapes.FRAME_HEIGHT)
                    .setJpeg(ByteBuffer.wrap(jpeg))
                    .build();
            producer.send(
                new ProducerRecord<>(frames, id, topics.frames().values().serialize(frames, f)));
            AudioChunk c =
                AudioChunk.newBuilder()
                    .setStreamId(id)
                    .setSequence(k)
                    .setTimestamp(at)
                    .setSampleRate(WindowClock.SAMPLE_RATE)
                    .setPcm16(noise.duplicate())
                    .build();
            producer.send(
                new ProducerRecord<>(audio, id, topics.audio().values().serialize(audio, c)));
          } else {
            String arrays = topics.arrayAudio().name();
            ArrayChunk c =
                ArrayChunk.newBuilder()
                    .setStreamId(id)
                    .setSequence(k)
                    .setTimestamp(at)
                    .setSampleRate(WindowClock.SAMPLE_RATE)
                    .setGeometryId("dualcam128")
                    .setChannels(mics)
                    .setSamplesPerChannel(1024)
                    .setFloat32(arrayBytes.duplicate())
                    .build();
            producer.send(
                new ProducerRecord<>(
                    arrays, id, topics.arrayAudio().values().serialize(arrays, c)));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static byte[] syntheticFrame() {
    BufferedImage image =
        new BufferedImage(
            ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(40, 40, 50));
    g.fillRect(0, 0, ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT);
    g.setColor(Color.WHITE);
    g.fillOval(180, 50, 40, 40);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Records on a topic so far (end offsets summed). */
  static long count(LocalKafka kafka, String topic) {
    try (TopicReader<byte[]> reader = reader(kafka).openBytes(topic)) {
      return reader.endOffsets().values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Readers that start at the end and see a record as soon as it is written. */
  static TopicReader.Options reader(LocalKafka kafka) {
    // read_uncommitted: a record counts as on the topic when written, before its checkpoint commits
    return TopicReader.on(kafka.bootstrapServers())
        .readUncommitted()
        .fromEnd()
        .fetchMaxWait(Duration.ofMillis(20));
  }

  static String table(List<Result> results) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-6s %8s %12s %10s %9s %9s %11s %7s %15s %13s%n",
            "mode",
            "streams",
            "windows/s",
            "target/s",
            "p50 ms",
            "p99 ms",
            "job p50 ms",
            "cores",
            "silent/no map",
            "dead letters"));
    for (Result r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-6s %8d %12.1f %10.0f %9.0f %9.0f %11.0f %7.2f %15d %13d%n",
              r.mode(),
              r.streams(),
              r.windowsPerSecond(),
              r.targetPerSecond(),
              r.p50Millis(),
              r.p99Millis(),
              r.jobP50Millis(),
              r.cores(),
              r.silentOrEmpty(),
              r.deadLetters()));
    }
    return b.toString();
  }

  /** "1,8,32" to camera counts. */
  public static int[] counts(String spec) {
    return Arrays.stream(spec.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
