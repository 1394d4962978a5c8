package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./avloc deliver} refuses bad settings with one line naming them, before any broker. */
class DeliverCommandTest {
  static String refusal(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Avloc.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(2, cli.execute(args), err.toString());
    assertFalse(err.toString().contains("\tat "), "stack trace in: " + err);
    return err.toString().strip();
  }

  @Test
  void shouldRefuseBadDeliverySettingsNamingThem() {
    assertEquals(
        "avloc deliver: give at least one --webhook URL or an --mqtt broker",
        refusal("deliver", "--bootstrap", "127.0.0.1:1"));
    assertEquals(
        "avloc deliver: webhook tries must be at least 1, got 0",
        refusal("deliver", "--webhook", "http://127.0.0.1:1/x", "--webhook-tries", "0"));
    assertEquals(
        "avloc deliver: webhook url 'mailto:x@y' is not an absolute http:// or https:// URL",
        refusal("deliver", "--webhook", "mailto:x@y"));
    assertEquals(
        "avloc deliver: --webhook-secret-env: environment variable AVLOC_TEST_UNSET_42 is not set",
        refusal(
            "deliver",
            "--webhook",
            "http://127.0.0.1:1/x",
            "--webhook-secret-env",
            "AVLOC_TEST_UNSET_42"));
    assertEquals(
        "avloc deliver: --mqtt-password-env needs --mqtt-user",
        refusal("deliver", "--mqtt", "tcp://127.0.0.1:1", "--mqtt-password-env", "X"));
    assertEquals(
        "avloc deliver: mqtt prefix 'a/+' may hold only letters, digits, '.', '_', '-' and '/'"
            + " between levels",
        refusal("deliver", "--mqtt", "tcp://127.0.0.1:1", "--mqtt-prefix", "a/+"));
  }
}
