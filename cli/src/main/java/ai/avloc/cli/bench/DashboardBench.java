package ai.avloc.cli.bench;

import ai.avloc.dashboard.Dashboard;
import ai.avloc.dashboard.DashboardConfig;
import ai.avloc.infra.HeadlessChromium;
import ai.avloc.infra.LocalKafka;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a user watching the live grid waits for: N cameras publish a localization and a frame every
 * 1/12 s to a real broker, the dashboard follows the topics, and headless Chromium shows the grid.
 * The page records, for every localization it paints, the time from the record's arrival on the
 * topic to the paint. The load is pre-rendered (a 36x48 map with a wandering peak and one JPEG per
 * camera), so the generator costs little; its CPU, the dashboard's and the browser's are measured
 * apart. No model runs: this measures topic → browser, whatever produced the maps.
 */
public final class DashboardBench {
  /**
   * The figures of one run.
   *
   * @param latenciesMillis arrival on the topic → painted, one per painted localization
   * @param published localizations published over the span
   * @param painted localizations painted over the span (fewer when tiles coalesce)
   */
  public record Result(
      int cameras,
      double seconds,
      long published,
      long painted,
      List<Double> latenciesMillis,
      double generatorCores,
      double dashboardCores,
      double browserCores) {

    double percentile(double p) {
      List<Double> sorted = new ArrayList<>(latenciesMillis);
      sorted.sort(Double::compare);
      if (sorted.isEmpty()) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
  }

  private final Path root;
  private final int cameras;
  private final Duration warmUp;
  private final Duration measure;
  private final PrintStream progress;

  public DashboardBench(
      Path root, int cameras, Duration warmUp, Duration measure, PrintStream progress) {
    if (cameras < 1) {
      throw new IllegalArgumentException("cameras: is " + cameras + "; it must be at least 1");
    }
    this.root = root;
    this.cameras = cameras;
    this.warmUp = warmUp;
    this.measure = measure;
    this.progress = progress;
  }

  public Result run() throws Exception {
    Path dir = Files.createTempDirectory("avloc-bench-dashboard-");
    Topics topics = Topics.defaults();
    progress.println("starting a Kafka broker");
    try (LocalKafka kafka = LocalKafka.start(root, dir.resolve("kafka"))) {
      TopicAdmin.createMissing(kafka.bootstrapServers(), TopicAdmin.standard(topics, 4));
      try (Dashboard dashboard =
              new Dashboard(DashboardConfig.local(kafka.bootstrapServers()).withPort(0)).start();
          Generator generator = new Generator(kafka.bootstrapServers(), topics, cameras);
          HeadlessChromium browser = HeadlessChromium.start(1600, 1000)) {
        generator.start();
        progress.println("opening the grid of " + cameras + " cameras in headless Chromium");
        browser.driver().get(dashboard.url());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (tiles(browser) < cameras && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        if (tiles(browser) < cameras) {
          throw new IllegalStateException(
              "the grid shows " + tiles(browser) + " of " + cameras + " cameras after 30 s");
        }
        progress.println("warming up for " + warmUp.toSeconds() + " s");
        Thread.sleep(warmUp.toMillis());
        browser.script("window.avlocStats.latencies.length = 0; window.avlocStats.painted = 0;");
        long published0 = generator.published.get();
        double generator0 = generator.cpuSeconds();
        double process0 = processCpuSeconds();
        double browser0 = browserCpuSeconds();
        long t0 = System.nanoTime();
        progress.println("measuring for " + measure.toSeconds() + " s");
        Thread.sleep(measure.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double generatorCpu = generator.cpuSeconds() - generator0;
        double processCpu = processCpuSeconds() - process0;
        double browserCpu = browserCpuSeconds() - browser0;
        long published = generator.published.get() - published0;
        @SuppressWarnings("unchecked")
        List<Number> latencies =
            (List<Number>) browser.script("return window.avlocStats.latencies.slice();");
        long painted = ((Number) browser.script("return window.avlocStats.painted;")).longValue();
        return new Result(
            cameras,
            seconds,
            published,
            painted,
            latencies.stream().map(Number::doubleValue).toList(),
            generatorCpu / seconds,
            (processCpu - generatorCpu) / seconds,
            browserCpu / seconds);
      }
    }
  }

  private static long tiles(HeadlessChromium browser) {
    return ((Number) browser.script("return document.querySelectorAll('[data-stream-id]').length;"))
        .longValue();
  }

  private static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** CPU of every Chromium process on the machine: the browser, its renderers and GPU process. */
  private static double browserCpuSeconds() {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .command()
                    .map(c -> c.contains("chromium") || c.contains("chromedriver"))
                    .orElse(false))
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
        .sum();
  }

  public static String table(Result r) {
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            "dashboard live grid: %d cameras x 12 localizations + 12 frames/s each, pre-rendered"
                + " 36x48 maps and 298x224 JPEGs (no model: topic -> browser), headless Chromium,"
                + " %d cores%n",
            r.cameras(),
            Runtime.getRuntime().availableProcessors()));
    t.append(
        String.format(
            Locale.ROOT,
            "%8s %12s %10s %9s %9s %9s %11s %11s %10s%n",
            "cameras",
            "published/s",
            "painted/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "dash cores",
            "gen cores",
            "browser"));
    t.append(
        String.format(
            Locale.ROOT,
            "%8d %12.1f %10.1f %9.0f %9.0f %9.0f %11.2f %11.2f %10.2f%n",
            r.cameras(),
            r.published() / r.seconds(),
            r.painted() / r.seconds(),
            r.percentile(50),
            r.percentile(99),
            r.percentile(100),
            r.dashboardCores(),
            r.generatorCores(),
            r.browserCores()));
    return t.toString();
  }

  /**
   * Publishes each camera's window and frame every 1/12 s from one thread: records are built from
   * templates made up front, so a tick only sets the window, times and frame number and serializes.
   */
  private static final class Generator implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final List<Localization> maps = new ArrayList<>();
    private final List<VideoFrame> frames = new ArrayList<>();
    private final ScheduledExecutorService clock;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong generatorThread = new AtomicLong(-1);
    private long tick;

    Generator(String bootstrap, Topics topics, int cameras) throws IOException {
      this.topics = topics;
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-generator");
      producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      for (int c = 0; c < cameras; c++) {
        String id = String.format(Locale.ROOT, "cam-%02d", c + 1);
        maps.add(template(id, c));
        frames.add(
            VideoFrame.newBuilder()
                .setStreamId(id)
                .setSequence(0)
                .setTimestamp(Instant.EPOCH)
                .setWidth(ModelShapes.FRAME_WIDTH)
                .setHeight(ModelShapes.FRAME_HEIGHT)
                .setJpeg(ByteBuffer.wrap(picture(id, c)))
                .build());
      }
      clock =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "bench-generator");
                t.setDaemon(true);
                return t;
              });
    }

    void start() {
      clock.scheduleAtFixedRate(
          this::tick, 0, 1_000_000 / WindowClock.WINDOWS_PER_SECOND, TimeUnit.MICROSECONDS);
    }

    private void tick() {
      generatorThread.compareAndSet(-1, Thread.currentThread().getId());
      Instant now = Instant.now();
      long window = WindowClock.windowOf(ChronoUnit.MICROS.between(Instant.EPOCH, now)) - 1;
      Instant start = Instant.EPOCH.plus(WindowClock.startMicros(window), ChronoUnit.MICROS);
      for (int c = 0; c < maps.size(); c++) {
        VideoFrame f = frames.get(c);
        f.setSequence(tick);
        f.setTimestamp(start);
        send(topics.frames().name(), f.getStreamId(), topics.frames().values().serialize("", f));
        Localization l = maps.get(c);
        // the peak wanders over 12 cells so each paint differs from the last
        SourcePeak peak = l.getPeaks().get(0);
        int col = 18 + (int) ((tick + c) % 12);
        peak.setCol(col);
        peak.setPosition(new ImagePoint((col + 0.5f) / 48, (peak.getRow() + 0.5f) / 36));
        l.setWindow(window);
        l.setWindowStart(start);
        l.setIngestTime(now);
        l.setEmitTime(Instant.now());
        send(
            topics.localizations().name(),
            l.getStreamId(),
            topics.localizations().values().serialize("", l));
        published.incrementAndGet();
      }
      tick++;
    }

    private void send(String topic, String key, byte[] value) {
      producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** CPU of the generator thread and the producer's network thread, seconds. */
    double cpuSeconds() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double total = 0;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("bench-generator")
            || t.getName().startsWith("kafka-producer-network-thread | bench-generator")) {
          long ns = threads.getThreadCpuTime(t.getId());
          total += ns > 0 ? ns / 1e9 : 0;
        }
      }
      return total;
    }

    private static Localization template(String id, int camera) {
      int rows = ModelShapes.ROWS;
      int cols = ModelShapes.COLS;
      int row = 8 + camera % 20;
      ByteBuffer energy = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          double d2 = (r - row) * (r - row) + (c - 24) * (c - 24);
          energy.putFloat((float) (1 + 3 * Math.exp(-d2 / 40)));
        }
      }
      energy.flip();
      ImagePoint at = new ImagePoint(24.5f / cols, (row + 0.5f) / rows);
      List<SourcePeak> peaks = new ArrayList<>();
      peaks.add(new SourcePeak(row, 24, at, 4f, 3f, at, at));
      return Localization.newBuilder()
          .setStreamId(id)
          .setWindow(0)
          .setWindowStart(Instant.EPOCH)
          .setMode(LocalizationMode.MONO)
          .setModelId("bench-load")
          .setSilent(false)
          .setInferred(true)
          .setFrameAgeMicros(0L)
          .setAudioCoverage(1f)
          .setRows(rows)
          .setCols(cols)
          .setEnergy(energy)
          .setFlatness(0.4f)
          .setPeaks(peaks)
          .setIngestTime(Instant.EPOCH)
          .setEmitTime(Instant.EPOCH)
          .setInferenceMicros(0)
          .build();
    }

    private static byte[] picture(String id, int camera) throws IOException {
      BufferedImage image =
          new BufferedImage(
              ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setColor(Color.getHSBColor(camera / 32f, 0.3f, 0.35f));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.WHITE);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
      g.drawString(id, 20, 50);
      g.dispose();
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(image, "jpg", jpeg);
      return jpeg.toByteArray();
    }

    @Override
    public void close() {
      clock.shutdownNow();
      producer.close(Duration.ofSeconds(5));
    }
  }
}
