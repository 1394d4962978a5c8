package ai.avloc.schemas;

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

  private static final SchemaStore.Cache STORE = new SchemaStore.Cache();

  static {
    CURRENT.forEach(STORE::addSchema);
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
