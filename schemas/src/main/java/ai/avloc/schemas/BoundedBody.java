package ai.avloc.schemas;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body along its writer schema without building anything, and refuses a length
 * that the bytes left cannot hold or that exceeds its field's {@link InputLimits} bound. Avro's own
 * decoder allocates a {@code bytes}, {@code string} or array of the declared length before it reads
 * it, so 37 bytes declaring a 2 GB {@code bytes} field would cost 2 GB; after this walk every
 * allocation is bounded by the record's size. Avro's {@code org.apache.avro.limits.*.maxLength}
 * system properties do not serve: they are read once per JVM when Avro's {@code
 * SystemLimitException} initializes, are global to every library in it, and know nothing of the
 * record's size.
 */
final class BoundedBody {
  private final byte[] data;
  private int pos;

  private BoundedBody(byte[] data, int offset) {
    this.data = data;
    this.pos = offset;
  }

  /**
   * Checks {@code data[offset ..]} as a body written with {@code writer}.
   *
   * @throws LimitExceeded naming the field and the limit when a length is out of bounds
   */
  static void check(Schema writer, byte[] data, int offset) {
    new BoundedBody(data, offset).walk(writer, writer.getName(), "", Integer.MAX_VALUE);
  }

  /** A declared length out of bounds; the caller adds the record type and topic. */
  static final class LimitExceeded extends RuntimeException {
    private final String limit;

    LimitExceeded(String limit, String message) {
      super(message, null, false, false);
      this.limit = limit;
    }

    /** A short stable name of the limit, for counters: field-length, items, truncated. */
    String limit() {
      return limit;
    }
  }

  /**
   * @param record the enclosing record's simple name
   * @param field the field being read, for messages and per-field bounds
   * @param bound the field's own bound, or MAX_VALUE for the type's default
   */
  private void walk(Schema s, String record, String field, int bound) {
    switch (s.getType()) {
      case NULL -> {}
      case BOOLEAN -> skip(1, field);
      case INT, LONG, ENUM -> readLong(field);
      case FLOAT -> skip(4, field);
      case DOUBLE -> skip(8, field);
      case FIXED -> skip(s.getFixedSize(), field);
      case STRING -> skipLength(field, Math.min(bound, InputLimits.MAX_STRING_BYTES));
      case BYTES -> skipLength(field, Math.min(bound, InputLimits.MAX_RECORD_BYTES));
      case UNION -> {
        long branch = readLong(field);
        if (branch < 0 || branch >= s.getTypes().size()) {
          throw new LimitExceeded(
              "union-branch",
              "field " + field + " names union branch " + branch + " of " + s.getTypes().size());
        }
        walk(s.getTypes().get((int) branch), record, field, bound);
      }
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          String name = s.getName();
          walk(f.schema(), name, f.name(), InputLimits.field(name, f.name(), Integer.MAX_VALUE));
        }
      }
      case ARRAY -> walkBlocks(s.getElementType(), null, record, field, bound);
      case MAP ->
          walkBlocks(s.getValueType(), Schema.create(Schema.Type.STRING), record, field, bound);
    }
  }

  /** Arrays and maps: blocks of a count (negative: followed by the block's byte size) and items. */
  private void walkBlocks(Schema item, Schema key, String record, String field, int bound) {
    int most = Math.min(bound, InputLimits.MAX_ITEMS);
    long items = 0;
    for (long count = readLong(field); count != 0; count = readLong(field)) {
      if (count < 0) {
        count = -count;
        readLong(field); // the block's size in bytes, which the items' walk checks anyway
      }
      items += count;
      if (count < 0 || items > most) {
        throw new LimitExceeded(
            "items",
            String.format(
                "field %s declares %s items with %d bytes left (at most %d)",
                field, count < 0 ? "too many" : String.valueOf(items), data.length - pos, most));
      }
      // every item of avloc's schemas takes at least one byte, so the bytes left bound the count
      if (count > data.length - pos) {
        throw new LimitExceeded(
            "truncated",
            String.format(
                "the body ends inside field %s: it declares %d items with %d bytes left",
                field, count, data.length - pos));
      }
      for (long i = 0; i < count; i++) {
        if (key != null) {
          walk(key, record, field, Integer.MAX_VALUE);
        }
        walk(item, record, field, Integer.MAX_VALUE);
      }
    }
  }

  private void skipLength(String field, int most) {
    long length = readLong(field);
    if (length < 0 || length > most) {
      throw new LimitExceeded(
          "field-length",
          String.format(
              "field %s declares %d bytes with %d left in the record (at most %d)",
              field, length, data.length - pos, most));
    }
    if (length > data.length - pos) {
      throw new LimitExceeded(
          "truncated",
          String.format(
              "the body ends inside field %s: it declares %d bytes with %d left",
              field, length, data.length - pos));
    }
    pos += (int) length;
  }

  private void skip(int n, String field) {
    if (n > data.length - pos) {
      throw truncated(field);
    }
    pos += n;
  }

  /** A zig-zag varint of at most 10 bytes. */
  private long readLong(String field) {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= data.length) {
        throw truncated(field);
      }
      int b = data[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new LimitExceeded("varint", "field " + field + " holds a number longer than 10 bytes");
  }

  private LimitExceeded truncated(String field) {
    return new LimitExceeded("truncated", "the body ends inside field " + field);
  }
}
