package ai.avloc.cli;

import ai.avloc.schemas.Topic;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a topic's records as JSON, one per line, as they arrive (committed records only).",
      "Byte fields (energy maps, JPEGs, samples) are shown by their size."
    })
final class TailCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description =
          "localizations, alerts, alert-rules, dead-letters, frames, audio, array-audio,"
              + " acoustic-images, or a full topic name")
  String topic;

  @Mixin KafkaOptions kafka;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX)
  String prefix;

  @Option(names = "--from-beginning", description = "start at the oldest record, not the newest")
  boolean fromBeginning;

  @Option(names = "--max", description = "stop after this many records")
  Long max;

  @Option(
      names = "--idle-exit",
      description = "stop after this long without a record, e.g. 10s (default: run until Ctrl-C)")
  Duration idleExit;

  @Override
  public Integer call() {
    Topic<?> t = resolve(Topics.withPrefix(prefix), topic);
    String name = t.name();
    TopicReader.Options from = TopicReader.on(kafka.connection());
    try (TopicReader<byte[]> reader = (fromBeginning ? from : from.fromEnd()).openBytes(name)) {
      long printed = 0;
      long lastRecord = System.nanoTime();
      while (max == null || printed < max) {
        for (byte[] value : reader.poll(Duration.ofMillis(250))) {
          String line;
          try {
            line = json((GenericRecord) t.values().deserialize(name, value));
          } catch (RuntimeException e) {
            line = "{\"undecodable\": \"" + e.getMessage().replace("\"", "'") + "\"}";
          }
          System.out.println(line);
          printed++;
          lastRecord = System.nanoTime();
          if (max != null && printed >= max) {
            break;
          }
        }
        if (idleExit != null && System.nanoTime() - lastRecord > idleExit.toNanos()) {
          break;
        }
      }
    }
    return 0;
  }

  static Topic<?> resolve(Topics topics, String name) {
    Map<String, Topic<?>> byShortName = new LinkedHashMap<>();
    byShortName.put("localizations", topics.localizations());
    byShortName.put("alerts", topics.alerts());
    byShortName.put("alert-rules", topics.alertRules());
    byShortName.put("dead-letters", topics.deadLetters());
    byShortName.put("frames", topics.frames());
    byShortName.put("audio", topics.audio());
    byShortName.put("array-audio", topics.arrayAudio());
    byShortName.put("acoustic-images", topics.acousticImages());
    Topic<?> topic = byShortName.get(name);
    if (topic != null) {
      return topic;
    }
    return byShortName.values().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown topic '"
                        + name
                        + "': use "
                        + String.join(", ", byShortName.keySet())
                        + " or a full topic name"));
  }

  /** Avro's JSON rendering, with byte fields shown as their size rather than escaped bytes. */
  static String json(GenericRecord record) {
    GenericRecord copy = new GenericData.Record(record.getSchema());
    for (Schema.Field f : record.getSchema().getFields()) {
      Object v = record.get(f.pos());
      copy.put(f.pos(), v instanceof ByteBuffer b ? b.remaining() + " bytes" : v);
    }
    return GenericData.get().toString(copy);
  }
}
