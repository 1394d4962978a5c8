package ai.avloc.alerts;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The state store's value format. Internal to the app (store and changelog only), so a compact
 * binary layout with a version byte is enough; a new layout bumps the version and reads the old.
 */
final class StreamAlertsSerde
    implements Serde<StreamAlerts>, Serializer<StreamAlerts>, Deserializer<StreamAlerts> {
  /** 2 added the wall-clock time the stream was last seen; 1 is still read (as not known). */
  private static final byte VERSION = 2;

  @Override
  public byte[] serialize(String topic, StreamAlerts state) {
    if (state == null) {
      return null;
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 48 * state.runs.size());
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeLong(state.lastWindow);
      out.writeLong(state.lastSeenMillis);
      out.writeInt(state.runs.size());
      for (Map.Entry<String, RuleRun> e : state.runs.entrySet()) {
        RuleRun run = e.getValue();
        writeString(out, e.getKey());
        out.writeLong(run.runStart);
        out.writeInt(run.runLength);
        out.writeFloat(run.peakContrast);
        out.writeBoolean(run.active);
        out.writeLong(run.lastCounting);
        writeString(out, run.ruleName);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
  }

  @Override
  public StreamAlerts deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      byte version = in.readByte();
      if (version != 1 && version != VERSION) {
        throw new SerializationException(
            "alert state on "
                + topic
                + " has layout version "
                + version
                + "; this reader knows 1, 2");
      }
      StreamAlerts state = new StreamAlerts();
      state.lastWindow = in.readLong();
      if (version >= 2) {
        state.lastSeenMillis = in.readLong();
      }
      int runs = in.readInt();
      for (int i = 0; i < runs; i++) {
        String ruleId = readString(in);
        RuleRun run = new RuleRun();
        run.runStart = in.readLong();
        run.runLength = in.readInt();
        run.peakContrast = in.readFloat();
        run.active = in.readBoolean();
        run.lastCounting = in.readLong();
        run.ruleName = readString(in);
        state.runs.put(ruleId, run);
      }
      return state;
    } catch (IOException e) {
      throw new SerializationException("alert state on " + topic + " is corrupt: " + e, e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("string length " + length + " past the end");
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public Serializer<StreamAlerts> serializer() {
    return this;
  }

  @Override
  public Deserializer<StreamAlerts> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure
  }

  @Override
  public void close() {
    // nothing to release; overridden because Serde, Serializer and Deserializer all declare close()
  }
}
