package ai.avloc.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real media for the real-data test group lives ({@code ../shared/data} beside the
 * checkout). A fresh clone without it skips that group with this message; CI sets
 * AVLOC_REQUIRE_REAL_DATA=1 so a missing file fails there instead.
 */
public final class RealData {
  private RealData() {}

  /** The file {@code name} of the shared media folder, or a skip (a failure on CI) without it. */
  public static Path file(String name) {
    String dir = System.getProperty("avloc.data.dir", "../../shared/data");
    Path path = Path.of(dir, name);
    if (!Files.isRegularFile(path)) {
      String message =
          "real-data test needs "
              + path.toAbsolutePath().normalize()
              + " (the shared media folder beside the checkout)";
      if (System.getenv("AVLOC_REQUIRE_REAL_DATA") != null) {
        fail(message + ", and AVLOC_REQUIRE_REAL_DATA is set");
      }
      Assumptions.abort(message + "; skipping on this machine");
    }
    return path;
  }
}
