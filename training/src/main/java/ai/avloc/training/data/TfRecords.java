package ai.avloc.training.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * TFRecord files, the framing TensorFlow datasets use (ACIVW and AVIA are GZIP TFRecords): each
 * record is its length (uint64 little-endian), the masked CRC-32C of those 8 bytes, the data, and
 * the masked CRC-32C of the data. Both checksums are verified on read, so a damaged file fails with
 * the record and byte offset instead of yielding garbage.
 */
public final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /** TensorFlow's masked CRC-32C: rotate right by 15 bits and add a constant. */
  public static int maskedCrc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** Writes records to {@code file}, GZIP-compressed when {@code gzip}. */
  public static void write(Path file, List<byte[]> records, boolean gzip) throws IOException {
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      for (byte[] record : records) {
        write(out, record);
      }
    }
  }

  /** Appends one framed record. */
  public static void write(OutputStream out, byte[] record) throws IOException {
    byte[] length =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(record.length).array();
    out.write(length);
    out.write(intLe(maskedCrc(length, 0, 8)));
    out.write(record);
    out.write(intLe(maskedCrc(record, 0, record.length)));
  }

  /** Every record of {@code file}; GZIP is recognised by its magic bytes. */
  public static List<byte[]> read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
      return read(in, file.toString());
    }
  }

  static List<byte[]> read(InputStream in, String name) throws IOException {
    List<byte[]> records = new ArrayList<>();
    long offset = 0;
    byte[] header = new byte[12];
    while (true) {
      int first = in.read();
      if (first < 0) {
        return records;
      }
      header[0] = (byte) first;
      readFully(in, header, 1, 11, name, records.size(), offset);
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long length = h.getLong(0);
      if (h.getInt(8) != maskedCrc(header, 0, 8)) {
        throw new IOException(
            name
                + ": corrupt TFRecord, length checksum wrong at record "
                + records.size()
                + " (byte "
                + offset
                + ")");
      }
      if (length < 0 || length > Integer.MAX_VALUE - 8) {
        throw new IOException(
            name + ": TFRecord " + records.size() + " claims " + length + " bytes, too many");
      }
      byte[] data = new byte[(int) length];
      readFully(in, data, 0, data.length, name, records.size(), offset);
      byte[] crc = new byte[4];
      readFully(in, crc, 0, 4, name, records.size(), offset);
      if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt()
          != maskedCrc(data, 0, data.length)) {
        throw new IOException(
            name
                + ": corrupt TFRecord, data checksum wrong at record "
                + records.size()
                + " (byte "
                + offset
                + ")");
      }
      records.add(data);
      offset += 16 + length;
    }
  }

  private static void readFully(
      InputStream in, byte[] b, int off, int len, String name, int record, long offset)
      throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) {
        throw new EOFException(
            name + ": truncated TFRecord " + record + " (starting at byte " + offset + ")");
      }
      done += n;
    }
  }

  private static byte[] intLe(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
