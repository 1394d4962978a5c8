package ai.avloc.cli;

import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The commands' progress bars, on stderr: redrawn in place twice a second on a terminal; where
 * output goes to a file or a pipe, a line every 10 s and one at the end, so a log stays readable.
 */
public final class ProgressBars {
  static final int WIDTH = 120;

  private ProgressBars() {}

  /** A bar named {@code task}, with its count, rate, elapsed time and ETA. */
  public static ProgressBarBuilder builder(String task) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setStyle(ProgressBarStyle.ASCII)
            .setMaxRenderedLength(WIDTH);
    if (System.console() == null) {
      return builder
          .setUpdateIntervalMillis(10_000)
          .setConsumer(new DelegatingProgressBarConsumer(new Lines(), WIDTH));
    }
    return builder.setUpdateIntervalMillis(500);
  }

  /** Prints each rendered bar as a line on stderr, but not the same line twice in a row. */
  private static final class Lines implements Consumer<String> {
    private String last;

    @Override
    public void accept(String line) {
      if (!line.equals(last)) {
        System.err.println(line);
        last = line;
      }
    }
  }
}
