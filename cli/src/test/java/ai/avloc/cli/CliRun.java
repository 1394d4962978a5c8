package ai.avloc.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code avloc} command run in this JVM, as a user would type it: its exit code, what it
 * printed (the commands print progress and tables on {@code System.out}, so that is captured, then
 * echoed to the test's log) and its error output.
 */
final class CliRun {
  final int code;
  final String out;
  final String err;

  private CliRun(int code, String out, String err) {
    this.code = code;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code avloc ARGS...}. */
  static CliRun of(String... args) {
    StringWriter err = new StringWriter();
    var cli = Avloc.commandLine();
    cli.setErr(new PrintWriter(err, true));
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    int code;
    try {
      code = cli.execute(args);
    } finally {
      System.setOut(stdout);
    }
    System.out.print(out);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs {@code avloc COMMAND FIRST... ARGS...}: a test's fixed options, then its own. */
  static CliRun of(List<String> first, String... args) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(args));
    return of(all.toArray(String[]::new));
  }
}
