package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.alerts.AlertsApp;
import ai.avloc.dashboard.Dashboard;
import ai.avloc.dashboard.DashboardConfig;
import ai.avloc.infra.HeadlessChromium;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.RuleSchedule;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SoundSource;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a browser, on a live pipeline: a mono scene camera plays a loudspeaker in real
 * time through the gateway, the broker, the Flink job serving the shipped U-VAE and the alerts app;
 * headless Chromium shows it. The live tile puts the strongest peak on the loudspeaker, a zone
 * drawn with the mouse around it becomes a rule on the topic and raises an alert that the review
 * page lists, with its snapshot, within 2 s of the alert's START; without the token nothing opens.
 */
class DashboardBrowserTest {
  static final Path SHIPPED = Path.of("..").resolve(JobConfig.SHIPPED_MODEL).toAbsolutePath();
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final String PREFIX = "it-d.";
  static final String CAMERA = "gate-cam";
  static final String TOKEN = "browser-test-token-0123456789";
  static final int ROWS = 36;
  static final int COLS = 48;

  @TempDir static Path dir;

  static Topics topics = Topics.withPrefix(PREFIX);
  static TestKafka kafka;
  static AlertsApp alerts;
  static Dashboard dashboard;
  static JobClient job;
  static Gateway gateway;
  static Thread publisher;
  static CompletableFuture<HeadlessChromium> chromium;
  static HeadlessChromium browser;
  static SoundSource speaker;
  static String base;

  @BeforeAll
  static void startThePipelineAndTheBrowser() throws Exception {
    // the slow starts (Chromium, Flink with the model) overlap the others
    chromium = CompletableFuture.supplyAsync(() -> HeadlessChromium.start(1280, 1024));
    double seconds = 8;
    speaker = LoudspeakerScene.loudspeaker(seconds);
    Scene scene = LoudspeakerScene.with(speaker, seconds);
    kafka = TestKafka.start();
    TopicAdmin.createMissing(kafka.bootstrapServers(), standardTopicsWithStampedAlerts());
    CompletableFuture<JobClient> starting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return startJob();
              } catch (Exception e) {
                throw new IllegalStateException("the localization job did not start", e);
              }
            });
    alerts =
        AlertsApp.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .applicationId(PREFIX + "alerts")
            .stateDir(dir.resolve("alerts"))
            .topicPrefix(PREFIX)
            .build();
    alerts.start();
    dashboard =
        new Dashboard(
                DashboardConfig.local(kafka.bootstrapServers())
                    .withTopicPrefix(PREFIX)
                    .withPort(0)
                    .withToken(TOKEN))
            .start();
    base = "http://127.0.0.1:" + dashboard.port();
    // the scene loops, in real time, for as long as the tests look at it
    KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
    gateway =
        new Gateway(
            List.of(
                new SceneCamera(
                    scene,
                    CAMERA,
                    Instant.now(),
                    null,
                    SceneCamera.Options.defaults().withLoop(true))),
            events,
            Gateway.Pace.REAL_TIME);
    publisher =
        new Thread(
            () -> {
              try {
                gateway.run();
              } catch (IOException e) {
                throw new IllegalStateException("the gateway stopped", e);
              } finally {
                events.close();
              }
            },
            "gateway");
    publisher.start();
    job = starting.join();
    browser = chromium.join();
    assertTrue(alerts.awaitRunning(Duration.ofSeconds(60)), "alerts app running");
  }

  /**
   * The standard topics, one partition each, and the alerts topic stamped by the broker: there a
   * START's Kafka timestamp is when it was written, not the window it reports.
   */
  static List<NewTopic> standardTopicsWithStampedAlerts() {
    return TopicAdmin.standard(topics, 1).stream()
        .map(
            t ->
                t.name().equals(topics.alerts().name())
                    ? t.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))
                    : t)
        .toList();
  }

  /** The localization job, unbounded, on this JVM's Flink: checkpoints (commits) twice a second. */
  static JobClient startJob() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    JobConfig config =
        JobConfig.parse(
            new String[] {
              "--bootstrap",
              kafka.bootstrapServers(),
              "--topic-prefix",
              PREFIX,
              "--model",
              SHIPPED.toString(),
              "--checkpoint-ms",
              "500",
              "--out-of-orderness-ms",
              "100",
              "--checkpoint-dir",
              dir.resolve("checkpoints").toUri().toString()
            });
    LocalizationJob.configure(env, config);
    LocalizationJob.build(env, config);
    return env.executeAsync(PREFIX + "job");
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (chromium != null) {
      try {
        chromium.join().close();
      } catch (CompletionException e) {
        // it never started: nothing to close
      }
    }
    if (gateway != null) {
      gateway.stop();
      publisher.join(10_000);
      gateway.close();
    }
    if (job != null) {
      job.cancel().get();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (alerts != null) {
      alerts.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** The map cell (row, col) the loudspeaker is in, on the camera's look grid. */
  static int[] trueCell() {
    LookGrid grid =
        LookGrid.cameraFov(SceneCamera.DEFAULT_HFOV_DEG, SceneCamera.DEFAULT_VFOV_DEG, ROWS, COLS);
    int truth = grid.nearestIndex(speaker.directionAt(0));
    return new int[] {truth / COLS, truth % COLS};
  }

  @Test
  void theLiveTileShowsTheStrongestPeakOnTheLoudspeaker() throws Exception {
    WebDriver driver = logIn();
    driver.get(base + "/");
    WebElement tile =
        wait(driver, Duration.ofSeconds(45))
            .until(
                d -> {
                  List<WebElement> t =
                      d.findElements(By.cssSelector(".tile[data-stream-id='" + CAMERA + "']"));
                  return !t.isEmpty() && !t.get(0).getDomAttribute("data-peak-row").isEmpty()
                      ? t.get(0)
                      : null;
                });
    // a dozen distinct windows, each as painted: the page notes the tile's attributes at every
    // paint, so none is missed between two of Selenium's round trips
    browser.script(
        """
        const tile = arguments[0];
        window.seenTiles = [];
        new MutationObserver(() => {
          const d = tile.dataset;
          window.seenTiles.push([d.window, d.peakRow, d.peakCol, d.mode, d.silent].join(' '));
        }).observe(tile, {attributes: true, attributeFilter: ['data-window']});
        """,
        tile);
    wait(driver, Duration.ofSeconds(15))
        .until(d -> ((Number) browser.script("return window.seenTiles.length;")).intValue() >= 12);
    @SuppressWarnings("unchecked")
    List<String> seenTiles = (List<String>) browser.script("return window.seenTiles;");
    int[] truth = trueCell();
    List<Integer> errors = new ArrayList<>();
    for (String seen : seenTiles) {
      String[] f = seen.split(" ", -1);
      assertEquals("MONO", f[3], seen);
      assertEquals("false", f[4], seen);
      assertTrue(!f[1].isEmpty(), "window " + f[0] + " has a peak");
      // cells apart along the row or the column, whichever is more
      errors.add(
          Math.max(
              Math.abs(Integer.parseInt(f[1]) - truth[0]),
              Math.abs(Integer.parseInt(f[2]) - truth[1])));
    }
    int median = errors.stream().sorted().toList().get(errors.size() / 2);
    String seen = "truth (" + truth[0] + ", " + truth[1] + "), peak errors " + errors + " cells";
    System.out.println("dashboard tile: " + seen);
    assertTrue(median <= 2, "the median painted peak is within 2 cells: " + seen);

    // the overlay is painted where the peak is: the cell's pixel on the tile's canvas is coloured
    long alpha =
        (Long)
            browser.script(
                """
                const tile = arguments[0];
                const c = tile.querySelector('canvas.overlay');
                const d = tile.dataset;
                const x = Math.floor((Number(d.peakCol) + 0.5) / 48 * c.width);
                const y = Math.floor((Number(d.peakRow) + 0.5) / 36 * c.height);
                return c.getContext('2d').getImageData(x, y, 1, 1).data[3];
                """,
                tile);
    assertTrue(alpha > 100, "overlay alpha at the peak " + alpha);
    assertTrue(
        (Boolean) browser.script("return !arguments[0].querySelector('img').hidden;", tile),
        "the tile shows the camera's frame");
    browser.screenshot(SCREENSHOTS.resolve("dashboard-grid.png"));

    // the filter hides the cameras that do not match it, and shows them again when cleared
    WebElement filter = driver.findElement(By.id("filter"));
    filter.sendKeys("no-such-camera");
    assertFalse(tile.isDisplayed(), "a camera the filter does not match is hidden");
    filter.clear();
    filter.sendKeys(CAMERA.substring(0, 4));
    assertTrue(tile.isDisplayed(), "a camera whose id matches stays");
    filter.clear();
    filter.sendKeys(" ");
  }

  @Test
  void aZoneDrawnWithTheMouseBecomesARuleThatRaisesAnAlertOnTheReviewPage() throws Exception {
    WebDriver driver = logIn();
    driver.get(base + "/camera.html?id=" + CAMERA);
    wait(driver, Duration.ofSeconds(45))
        .until(d -> d.findElement(By.id("picture")).getDomAttribute("data-window") != null);

    // a box around the loudspeaker's cell, clicked corner by corner on the picture
    int[] truth = trueCell();
    double u = (truth[1] + 0.5) / COLS;
    double v = (truth[0] + 0.5) / ROWS;
    double left = Math.max(0.02, u - 0.15);
    double right = Math.min(0.98, u + 0.15);
    double top = Math.max(0.02, v - 0.2);
    double bottom = Math.min(0.98, v + 0.2);
    double[][] corners = {{left, top}, {right, top}, {right, bottom}, {left, bottom}};
    WebElement canvas = driver.findElement(By.id("zone-canvas"));
    // Selenium's offsets are from the centre of the element's visible part: show all of it
    assertTrue(
        (Boolean)
            browser.script(
                """
                arguments[0].scrollIntoView({block: 'nearest'});
                const r = arguments[0].getBoundingClientRect();
                return r.top >= 0 && r.bottom <= innerHeight;
                """,
                canvas),
        "the whole picture is in the window");
    Dimension size = canvas.getSize();
    for (double[] c : corners) {
      new Actions(driver)
          .moveToElement(
              canvas,
              (int) Math.round((c[0] - 0.5) * size.width),
              (int) Math.round((c[1] - 0.5) * size.height))
          .click()
          .perform();
    }
    driver.findElement(By.id("finish-zone")).click();
    assertEquals("4", canvas.getDomAttribute("data-points"));
    assertEquals("true", canvas.getDomAttribute("data-closed"));
    driver.findElement(By.id("rule-name")).sendKeys("Loudspeaker at the gate");
    // the mono U-VAE's maps are nearly flat, so its contrasts are small (about 0.002): the form
    // offers 0 (any peak in the zone counts) on a mono camera
    assertEquals("0", driver.findElement(By.id("rule-min-contrast")).getDomProperty("value"));
    setValue(driver, "rule-min-duration", "12");
    setValue(driver, "rule-cooldown", "24");
    // a schedule of the whole day, every day: the rule still counts now
    driver.findElement(By.id("rule-scheduled")).click();
    setValue(driver, "rule-time-zone", "UTC");
    browser.script(
        "document.getElementById('rule-start').value = '00:00';"
            + " document.getElementById('rule-end').value = '00:00';");
    driver.findElement(By.id("save-rule")).click();
    wait(driver, Duration.ofSeconds(5))
        .until(
            d ->
                !d.findElement(By.id("rule-saved")).getText().isEmpty()
                    || !d.findElement(By.id("rule-error")).getText().isEmpty());
    assertEquals("", driver.findElement(By.id("rule-error")).getText());
    WebElement listed =
        wait(driver, Duration.ofSeconds(5))
            .until(d -> d.findElement(By.cssSelector("#rules li[data-rule-id]")));
    String ruleId = listed.getDomAttribute("data-rule-id");
    browser.screenshot(SCREENSHOTS.resolve("dashboard-camera.png"));

    // the review page is open before the alert can start: the rule needs 12 windows in the zone
    driver.get(base + "/alerts.html");

    AlertRule rule = ruleOnTheTopic(ruleId);
    assertEquals("Loudspeaker at the gate", rule.getName());
    assertEquals(List.of(CAMERA), rule.getStreamIds());
    assertEquals(12, rule.getMinDurationWindows());
    assertEquals(0f, rule.getMinContrast());
    assertEquals(new RuleSchedule("UTC", List.of(), "00:00", "00:00"), rule.getSchedule());
    assertEquals(4, rule.getZone().size());
    for (int i = 0; i < 4; i++) {
      ImagePoint p = rule.getZone().get(i);
      // one pixel of the picture is about 0.001 of its width
      assertEquals(corners[i][0], p.getU(), 0.01, "corner " + i + " u");
      assertEquals(corners[i][1], p.getV(), 0.01, "corner " + i + " v");
    }

    WebElement row =
        wait(driver, Duration.ofSeconds(20))
            .until(
                d ->
                    d.findElement(
                        By.cssSelector("tr[data-alert-id][data-stream-id='" + CAMERA + "']")));
    long shownAt = Long.parseLong(row.getDomAttribute("data-shown-at"));
    String alertId = row.getDomAttribute("data-alert-id");
    ConsumerRecord<String, Alert> start = startOnTheTopic(alertId);
    assertEquals(ruleId, start.value().getRuleId());
    long delay = shownAt - start.timestamp();
    System.out.println(
        "dashboard alert: START on the topic to its row on the page " + delay + " ms");
    assertTrue(delay <= 2000, "the row appeared " + delay + " ms after the START record");

    // its snapshot: the frame with the overlay at the alert's strongest window so far
    String snapshotWindow =
        wait(driver, Duration.ofSeconds(5))
            .until(
                d -> {
                  String w =
                      row.findElement(By.cssSelector("canvas.thumb"))
                          .getDomAttribute("data-snapshot-window");
                  return w == null || w.isEmpty() ? null : w;
                });
    assertTrue(
        Long.parseLong(snapshotWindow) >= start.value().getStartWindow(),
        "snapshot window "
            + snapshotWindow
            + " is of the alert, from "
            + start.value().getStartWindow());
    browser.screenshot(SCREENSHOTS.resolve("dashboard-alerts.png"));

    // its clip plays the frames around it and names the command that replays it
    row.findElement(By.cssSelector("[data-action='clip']")).click();
    String frames =
        wait(driver, Duration.ofSeconds(10))
            .until(d -> d.findElement(By.id("clip-canvas")).getDomAttribute("data-frames"));
    assertTrue(
        Integer.parseInt(frames) >= 12, frames + " frames, at least the alert's first second");
    assertTrue(
        driver.findElement(By.id("clip-replay")).getText().startsWith("./avloc replay"),
        driver.findElement(By.id("clip-replay")).getText());

    // acknowledged from the page: a write with the session cookie and its CSRF token
    driver.findElement(By.id("clip-close")).click();
    row.findElement(By.cssSelector("[data-action='ack']")).click();
    wait(driver, Duration.ofSeconds(5))
        .until(d -> "true".equals(row.getDomAttribute("data-acknowledged")));
  }

  @Test
  void theSystemPageShowsTheCameraRateAndTheModelInUse() {
    WebDriver driver = logIn();
    driver.get(base + "/system.html");
    // windows are counting (a job catching up on a backlog may briefly run above 12 a second)
    wait(driver, Duration.ofSeconds(15))
        .until(
            d -> {
              String text = d.findElement(By.id("windows-per-second")).getText();
              return text.matches("[0-9.]+") && Double.parseDouble(text) > 0;
            });
    assertTrue(driver.findElement(By.id("cameras")).getText().contains(CAMERA));
    assertTrue(
        driver.findElement(By.id("models")).getText().startsWith("uvae-compact@"),
        driver.findElement(By.id("models")).getText());
  }

  @Test
  void withoutTheTokenThePagesGoToLoginAndTheApiAnswers401() throws Exception {
    WebDriver driver = browser.driver();
    driver.get(base + "/login.html");
    driver.manage().deleteAllCookies();
    for (String page : List.of("/", "/camera.html?id=" + CAMERA, "/alerts.html")) {
      driver.get(base + page);
      assertEquals(base + "/login.html", driver.getCurrentUrl(), page + " goes to login");
    }
    driver.get(base + "/?token=not-the-token-0123456789");
    assertTrue(driver.getCurrentUrl().startsWith(base + "/login.html"), driver.getCurrentUrl());

    HttpClient http = HttpClient.newHttpClient();
    assertEquals(401, get(http, "/api/cameras", Map.of()).statusCode());
    assertEquals(
        401,
        get(http, "/api/cameras", Map.of("Authorization", "Bearer not-the-token")).statusCode());
    HttpResponse<String> open =
        get(http, "/api/cameras", Map.of("Authorization", "Bearer " + TOKEN));
    assertEquals(200, open.statusCode(), open.body());
  }

  /** The browser with a session: the token in the address, as the demo prints it. */
  static WebDriver logIn() {
    WebDriver driver = browser.driver();
    driver.get(base + "/?token=" + TOKEN);
    assertEquals(base + "/", driver.getCurrentUrl(), "logged in and the token is gone");
    return driver;
  }

  static WebDriverWait wait(WebDriver driver, Duration timeout) {
    WebDriverWait w = new WebDriverWait(driver, timeout, Duration.ofMillis(20));
    w.withMessage(() -> "page console:\n" + browser.console());
    return w;
  }

  static void setValue(WebDriver driver, String id, String value) {
    WebElement input = driver.findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  static HttpResponse<String> get(HttpClient http, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static AlertRule ruleOnTheTopic(String ruleId) {
    try (TopicReader<AlertRule> reader =
        TopicReader.on(kafka.bootstrapServers()).open(topics.alertRules())) {
      long until = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < until) {
        for (ConsumerRecord<String, AlertRule> r : reader.pollRecords(Duration.ofMillis(200))) {
          if (ruleId.equals(r.key()) && r.value() != null) {
            return r.value();
          }
        }
      }
    }
    throw new AssertionError("rule " + ruleId + " is not on " + topics.alertRules().name());
  }

  static ConsumerRecord<String, Alert> startOnTheTopic(String alertId) {
    try (TopicReader<Alert> reader =
        TopicReader.on(kafka.bootstrapServers()).open(topics.alerts())) {
      long until = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < until) {
        for (ConsumerRecord<String, Alert> r : reader.pollRecords(Duration.ofMillis(200))) {
          if (alertId.equals(r.value().getAlertId()) && r.value().getState() == AlertState.START) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("no START of " + alertId + " on " + topics.alerts().name());
  }
}
