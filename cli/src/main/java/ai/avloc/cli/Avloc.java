package ai.avloc.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./avloc} launcher: one picocli subcommand per entry point. */
@Command(
    name = "avloc",
    mixinStandardHelpOptions = true,
    version = "avloc 0.1.0",
    description =
        "Sound source localization in camera streams: acoustic images, energy maps, beamforming.",
    subcommands = {
      DemoCommand.class,
      MfccCommand.class,
      SimulateCommand.class,
      SynthCommand.class,
      CollectCommand.class,
      BeamformCommand.class,
      EnergyCommand.class,
      BenchCommand.class,
      ModelCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      JobCommand.class,
      TailCommand.class,
      ReplayCommand.class,
      GatewayCommand.class,
      AlertsCommand.class,
      DeliverCommand.class,
      DashboardCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Avloc implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    try {
      System.exit(commandLine().execute(args));
    } catch (OutOfMemoryError e) {
      // picocli's handler sees exceptions only; an Error would otherwise end as a stack trace
      System.err.println(
          "avloc: out of memory ("
              + e.getMessage()
              + "); give Java more with"
              + " AVLOC_JAVA_OPTS=-Xmx12g, or use a shorter input");
      System.exit(3);
    }
  }

  /**
   * The command line with avloc's value types and error reporting: a message naming the problem,
   * exit code 2.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Avloc());
    cli.registerConverter(Duration.class, new DurationConverter());
    cli.registerConverter(java.time.Instant.class, new InstantConverter());
    CommandLine.IParameterExceptionHandler picocliDefault = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler(
        (e, args) -> {
          // a value an avloc converter rejected: one line in the style of the commands' own checks
          if (e.getCause() instanceof CommandLine.TypeConversionException bad
              && e.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
            CommandLine c = e.getCommandLine();
            c.getErr()
                .println(
                    "avloc "
                        + c.getCommandName()
                        + ": "
                        + option.longestName()
                        + " '"
                        + e.getValue()
                        + "': "
                        + bad.getMessage());
            return c.getCommandSpec().exitCodeOnInvalidInput();
          }
          return picocliDefault.handleParseException(e, args);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // "model check", not "check": a subcommand's error names the command it belongs to
          String name = commandLine.getCommandSpec().qualifiedName(" ").replaceFirst("^avloc ", "");
          Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
          if (cause instanceof IllegalArgumentException || cause instanceof IOException) {
            commandLine.getErr().println("avloc " + name + ": " + cause.getMessage());
          } else {
            commandLine.getErr().println("avloc " + name + ": internal error: " + cause);
            if (System.getenv("AVLOC_DEBUG") != null) {
              cause.printStackTrace(commandLine.getErr());
            } else {
              commandLine.getErr().println("(set AVLOC_DEBUG=1 for the stack trace)");
            }
          }
          return 2;
        });
    return cli;
  }
}
