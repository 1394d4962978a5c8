package ai.avloc.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Every schema avloc reads, current and earlier versions, by fingerprint. A new version of a schema
 * adds its predecessor here (and a fixture test) so old records keep reading.
 */
public final class Schemas {
  private static final List<Schema> CURRENT =
      List.of(
          VideoFrame.getClassSchema(),
          AudioChunk.getClassSchema(),
          ArrayChunk.getClassSchema(),
          Localization.getClassSchema(),
          AcousticImage.getClassSchema(),
          Alert.getClassSchema(),
          AlertRule.getClassSchema(),
          DeadLetter.getClassSchema());

  /** Earlier versions still on topics (the rules topic is compacted and keeps old records). */
  private static final List<String> PREVIOUS = List.of("history/AlertRule-1.avsc");

  private static final SchemaStore.Cache STORE = new SchemaStore.Cache();

  static {
    CURRENT.forEach(STORE::addSchema);
    PREVIOUS.forEach(path -> STORE.addSchema(previous(path)));
  }

  private static Schema previous(String path) {
    try (InputStream in = Schemas.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + path + " is missing");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema resource " + path, e);
    }
  }

  private Schemas() {}

  /** The current schema of every record type. */
  public static List<Schema> current() {
    return CURRENT;
  }

  /** Writer schemas by fingerprint, for single-object decoding. */
  public static SchemaStore store() {
    return STORE;
  }
}
