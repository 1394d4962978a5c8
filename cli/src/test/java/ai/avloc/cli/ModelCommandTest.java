package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code avloc model}'s actions, each a subcommand typed as before. */
class ModelCommandTest {
  @TempDir Path dir;

  @Test
  void shouldExportTheTestModelCheckItAndRefuseToReexportIt() {
    Path model = dir.resolve("bright");
    BadInputTest.Run export = BadInputTest.run("model", "export-test", model.toString());
    assertEquals(0, export.exit(), export.err());
    assertTrue(Files.isRegularFile(model.resolve("saved_model.pb")));
    BadInputTest.Run check = BadInputTest.run("model", "check", model.toString());
    assertEquals(0, check.exit(), check.err());
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "model", "reexport", model.toString(), "--out", dir.resolve("x").toString()),
        "avloc model reexport: ",
        "U-VAE configuration");
  }

  @Test
  void shouldGiveEachActionItsOwnHelpAndRefuseAnUnknownOne() {
    for (String action : new String[] {"check", "export-test", "reexport"}) {
      StringWriter out = new StringWriter();
      CommandLine cli = Avloc.commandLine();
      cli.setOut(new PrintWriter(out, true));
      assertEquals(0, cli.execute("model", action, "--help"));
      assertTrue(out.toString().contains("Usage: avloc model " + action), out.toString());
    }
    BadInputTest.assertFailsWith(BadInputTest.run("model", "frobnicate", "x"), "frobnicate");
    BadInputTest.assertFailsWith(BadInputTest.run("model"), "subcommand");
  }
}
