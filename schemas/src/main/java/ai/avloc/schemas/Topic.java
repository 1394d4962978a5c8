package ai.avloc.schemas;

import org.apache.avro.specific.SpecificRecord;

/**
 * A topic's name and the serde of its values; keys are stream ids (or rule ids) as UTF-8 strings.
 */
public record Topic<V extends SpecificRecord>(String name, AvroSerde<V> values) {
  public Topic {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a topic needs a name");
    }
  }
}
