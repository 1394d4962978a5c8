package ai.avloc.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Hostile Avro records written by hand: the single-object header of a real schema, then whatever
 * body a test writes (a string or array declaring two billion bytes, say), which no generated
 * builder would produce.
 */
public final class HandWrittenRecords {
  private HandWrittenRecords() {}

  /** Writes a record's body field by field. */
  public interface Body {
    void write(BinaryEncoder e) throws IOException;
  }

  /** A single-object record of {@code schema}: its header, then what {@code body} writes. */
  public static byte[] singleObject(Schema schema, Body body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xC3);
    out.write(0x01);
    out.write(
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(SchemaNormalization.parsingFingerprint64(schema))
            .array());
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    body.write(e);
    e.flush();
    return out.toByteArray();
  }
}
