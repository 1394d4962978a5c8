package ai.avloc.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** {@link SumJob}'s sink that writes the last line it received once the input has ended. */
final class SumJobLastLine implements Sink<String> {
  private final String out;

  SumJobLastLine(String out) {
    this.out = out;
  }

  @Override
  public SinkWriter<String> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      private String last = "";

      @Override
      public void write(String line, Context context) {
        last = line;
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        if (endOfInput) {
          Path target = Path.of(out);
          Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
          Files.writeString(tmp, last, StandardCharsets.UTF_8);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }

      @Override
      public void close() {}
    };
  }
}
