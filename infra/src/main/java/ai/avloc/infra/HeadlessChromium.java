package ai.avloc.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver through Selenium, for browser tests
 * and the dashboard bench. Both binaries are given by path, so Selenium Manager never looks for (or
 * downloads) a driver; each instance has its own fresh profile, deleted on close. Fails, naming the
 * Debian packages, when either binary is missing.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * The DevTools protocol is not used here, so its "no CDP implementation matching" notice is
   * noise; held in a field because java.util.logging keeps loggers only weakly.
   */
  private static final Logger CDP_NOTICES = Logger.getLogger("org.openqa.selenium.devtools");

  private final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** Starts a browser whose window (and so every screenshot) is {@code width} x {@code height}. */
  public static HeadlessChromium start(int width, int height) {
    CDP_NOTICES.setLevel(Level.SEVERE);
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(
            binary + " is missing: install the Debian packages chromium and chromium-driver");
      }
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("avloc-chromium-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a Chromium profile folder: " + e, e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
    // the page's console, for a failing test's message
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      return new HeadlessChromium(driver, service, profile);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw new IllegalStateException("Chromium did not start through chromedriver: " + e, e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Saves what the window shows as a PNG at {@code file}, making its folder. */
  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      return Files.move(shot, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("cannot save screenshot " + file + ": " + e, e);
    }
  }

  /** The page's console messages since the last call, one per line. */
  public String console() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::toString)
        .reduce("", (a, b) -> a + b + "\n");
  }

  /** Runs {@code script} in the page (as a function body) and answers its result. */
  public Object script(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** The page's local storage and cookies are gone with the profile; nothing else is kept. */
  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a profile left in the temporary folder harms nothing
    }
  }
}
