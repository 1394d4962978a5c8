package ai.avloc.acoustics.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reader and writer for NumPy's {@code .npy} array files.
 *
 * <p>Files are written in format version 1.0 (2.0 only when the header would not fit a 16-bit
 * length), little-endian float32 ({@code '<f4'}) or float64 ({@code '<f8'}), C order. The header is
 * padded with spaces and ends in a newline so that the magic, version, length field and header
 * together take a multiple of 64 bytes, which keeps the data aligned.
 *
 * <p>Reading accepts versions 1.0, 2.0 and 3.0, dtypes {@code '<f4'}, {@code '>f4'}, {@code '<f8'}
 * and {@code '>f8'} (float64 is narrowed to float), in C order. Any other content gives an {@link
 * IllegalArgumentException} whose message starts with the file name and says what is wrong.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGNMENT = 64;

  /** Headers longer than this are taken as a corrupt file rather than allocated. */
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private static final int CHUNK_BYTES = 1 << 20;

  private Npy() {}

  // ------------------------------------------------------------------ writing

  /** Writes {@code array} as a little-endian float32 C-order {@code .npy} file. */
  public static void write(Path file, NpyArray array) throws IOException {
    Objects.requireNonNull(array, "array");
    int[] shape = array.shape();
    float[] data = array.data();
    writeRaw(
        file,
        "<f4",
        shape,
        data.length,
        4,
        (buf, from, to) -> {
          for (int i = from; i < to; i++) {
            buf.putFloat(data[i]);
          }
        });
  }

  /** Writes {@code data} with the given {@code shape} as a little-endian float64 C-order file. */
  public static void writeFloat64(Path file, int[] shape, double[] data) throws IOException {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long product = checkedProduct(shape);
    if (product != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + java.util.Arrays.toString(shape)
              + " holds "
              + product
              + " values but data has "
              + data.length);
    }
    int[] shapeCopy = shape.clone();
    writeRaw(
        file,
        "<f8",
        shapeCopy,
        data.length,
        8,
        (buf, from, to) -> {
          for (int i = from; i < to; i++) {
            buf.putDouble(data[i]);
          }
        });
  }

  @FunctionalInterface
  private interface ChunkFiller {
    void fill(ByteBuffer buf, int from, int to);
  }

  private static void writeRaw(
      Path file, String descr, int[] shape, int count, int itemBytes, ChunkFiller filler)
      throws IOException {
    Objects.requireNonNull(file, "file");
    byte[] prefix = headerBytes(descr, shape);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, ByteBuffer.wrap(prefix));
      int perChunk = Math.max(1, CHUNK_BYTES / itemBytes);
      ByteBuffer buf =
          ByteBuffer.allocate(Math.min(count, perChunk) * itemBytes).order(ByteOrder.LITTLE_ENDIAN);
      for (int from = 0; from < count; from += perChunk) {
        int to = Math.min(count, from + perChunk);
        buf.clear();
        filler.fill(buf, from, to);
        buf.flip();
        writeFully(ch, buf);
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** Magic, version, header length and padded header dictionary, ready to write. */
  static byte[] headerBytes(String descr, int[] shape) {
    StringBuilder tuple = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        tuple.append(", ");
      }
      tuple.append(shape[i]);
    }
    if (shape.length == 1) {
      tuple.append(',');
    }
    tuple.append(')');
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";

    int major = 1;
    int prefixLen = MAGIC.length + 2 + 2;
    int total = roundUp(prefixLen + dict.length() + 1, ALIGNMENT);
    if (total - prefixLen > 0xFFFF) {
      major = 2;
      prefixLen = MAGIC.length + 2 + 4;
      total = roundUp(prefixLen + dict.length() + 1, ALIGNMENT);
    }
    int headerLen = total - prefixLen;
    StringBuilder header = new StringBuilder(headerLen).append(dict);
    while (header.length() < headerLen - 1) {
      header.append(' ');
    }
    header.append('\n');

    ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      out.putShort((short) headerLen);
    } else {
      out.putInt(headerLen);
    }
    out.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
    return out.array();
  }

  private static int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }

  private static long checkedProduct(int[] shape) {
    long product = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape " + java.util.Arrays.toString(shape) + " has a negative extent");
      }
      product *= d;
      if (product > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape "
                + java.util.Arrays.toString(shape)
                + " holds more than "
                + Integer.MAX_VALUE
                + " values");
      }
    }
    return product;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads a float32 or float64 {@code .npy} file in C order.
   *
   * @throws IllegalArgumentException if the file is not a supported {@code .npy} file; the message
   *     names the file and the problem
   * @throws IOException if the file cannot be read
   */
  public static NpyArray read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = ch.size();

      ByteBuffer lead = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
      readUpTo(ch, lead);
      if (lead.position() < MAGIC.length || !startsWithMagic(lead)) {
        throw bad(file, "not a .npy file (bad magic)");
      }
      if (lead.position() < lead.capacity()) {
        throw bad(file, "truncated: file ends inside the version field");
      }
      int major = lead.get(MAGIC.length) & 0xFF;
      int minor = lead.get(MAGIC.length + 1) & 0xFF;
      if (major < 1 || major > 3) {
        throw bad(
            file,
            "unsupported .npy format version "
                + major
                + "."
                + minor
                + ", expected 1.0, 2.0 or 3.0");
      }

      int lenBytes = major == 1 ? 2 : 4;
      ByteBuffer lenBuf = ByteBuffer.allocate(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
      readUpTo(ch, lenBuf);
      if (lenBuf.hasRemaining()) {
        throw bad(file, "truncated: file ends inside the header length field");
      }
      long headerLen =
          lenBytes == 2 ? (lenBuf.getShort(0) & 0xFFFFL) : (lenBuf.getInt(0) & 0xFFFFFFFFL);
      if (headerLen > MAX_HEADER_BYTES) {
        throw bad(file, "header length " + headerLen + " is implausibly large");
      }
      long dataOffset = MAGIC.length + 2 + lenBytes + headerLen;
      if (dataOffset > fileSize) {
        throw bad(
            file,
            "truncated: header says it is "
                + headerLen
                + " bytes, file ends after "
                + (fileSize - MAGIC.length - 2 - lenBytes));
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readUpTo(ch, headerBuf);
      String header =
          new String(
              headerBuf.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

      Map<String, Object> dict;
      try {
        dict = new HeaderParser(header).parseDict();
      } catch (IllegalArgumentException e) {
        throw bad(file, "malformed header: " + e.getMessage());
      }

      Object descr = require(file, dict, "descr");
      Object fortran = require(file, dict, "fortran_order");
      Object shapeObj = require(file, dict, "shape");

      if (!(descr instanceof String)) {
        throw bad(file, "dtype " + repr(descr) + " not supported, expected float32 or float64");
      }
      String dtype = (String) descr;
      ByteOrder order;
      int itemBytes;
      switch (dtype) {
        case "<f4" -> {
          order = ByteOrder.LITTLE_ENDIAN;
          itemBytes = 4;
        }
        case ">f4" -> {
          order = ByteOrder.BIG_ENDIAN;
          itemBytes = 4;
        }
        case "<f8" -> {
          order = ByteOrder.LITTLE_ENDIAN;
          itemBytes = 8;
        }
        case ">f8" -> {
          order = ByteOrder.BIG_ENDIAN;
          itemBytes = 8;
        }
        default ->
            throw bad(file, "dtype '" + dtype + "' not supported, expected float32 or float64");
      }

      if (!(fortran instanceof Boolean)) {
        throw bad(file, "fortran_order is " + repr(fortran) + ", expected True or False");
      }
      if ((Boolean) fortran) {
        throw bad(file, "Fortran order not supported");
      }

      int[] shape = toShape(file, shapeObj);
      long count = 1;
      for (int d : shape) {
        count *= d;
        if (count > Integer.MAX_VALUE) {
          throw bad(
              file,
              "shape " + repr(shapeObj) + " holds more than " + Integer.MAX_VALUE + " values");
        }
      }

      long available = fileSize - dataOffset;
      if (available < count * itemBytes) {
        throw bad(
            file,
            "truncated: header says " + count + " values, file holds " + (available / itemBytes));
      }

      float[] data = new float[(int) count];
      int perChunk = Math.max(1, CHUNK_BYTES / itemBytes);
      ByteBuffer buf =
          ByteBuffer.allocate((int) Math.min(count, perChunk) * itemBytes).order(order);
      ch.position(dataOffset);
      for (int from = 0; from < count; from += perChunk) {
        int to = (int) Math.min(count, (long) from + perChunk);
        buf.clear();
        buf.limit((to - from) * itemBytes);
        readUpTo(ch, buf);
        if (buf.hasRemaining()) {
          // The file shrank while we were reading it.
          throw bad(
              file,
              "truncated: header says "
                  + count
                  + " values, file holds "
                  + (from + buf.position() / itemBytes));
        }
        buf.flip();
        if (itemBytes == 4) {
          buf.asFloatBuffer().get(data, from, to - from);
        } else {
          for (int i = from; i < to; i++) {
            data[i] = (float) buf.getDouble();
          }
        }
      }
      return new NpyArray(shape, data);
    }
  }

  private static boolean startsWithMagic(ByteBuffer lead) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (lead.get(i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Reads until {@code buf} is full or the channel ends. */
  private static void readUpTo(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        return;
      }
    }
  }

  private static Object require(Path file, Map<String, Object> dict, String key) {
    if (!dict.containsKey(key)) {
      throw bad(file, "malformed header: no '" + key + "' entry");
    }
    return dict.get(key);
  }

  private static int[] toShape(Path file, Object shapeObj) {
    if (!(shapeObj instanceof List<?> items)) {
      throw bad(file, "shape " + repr(shapeObj) + " is not a tuple of integers");
    }
    int[] shape = new int[items.size()];
    for (int i = 0; i < shape.length; i++) {
      Object item = items.get(i);
      if (!(item instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
        throw bad(file, "shape " + repr(shapeObj) + " is not a tuple of non-negative integers");
      }
      shape[i] = (int) (long) v;
    }
    return shape;
  }

  private static IllegalArgumentException bad(Path file, String problem) {
    return new IllegalArgumentException(file + ": " + problem);
  }

  /** Python-like rendering of a parsed header value, for messages. */
  static String repr(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(repr(list.get(i)));
      }
      if (list.size() == 1) {
        sb.append(',');
      }
      return sb.append(')').toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
      }
      return sb.append('}').toString();
    }
    return String.valueOf(value);
  }

  /**
   * A small parser for the Python literal in a {@code .npy} header: dicts, tuples and lists (both
   * returned as {@link List}), strings in single or double quotes, integers (as {@link Long}),
   * {@code True}, {@code False} and {@code None}. Whitespace is optional and trailing commas are
   * allowed.
   */
  static final class HeaderParser {
    private final String text;
    private int pos;

    HeaderParser(String text) {
      this.text = text;
    }

    Map<String, Object> parseDict() {
      skipSpace();
      Object value = parseValue();
      if (!(value instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("expected a dict, found " + repr(value));
      }
      skipSpace();
      if (pos != text.length()) {
        throw new IllegalArgumentException("unexpected text after the dict at offset " + pos);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) value;
      return map;
    }

    private Object parseValue() {
      skipSpace();
      if (pos >= text.length()) {
        throw new IllegalArgumentException("unexpected end of header");
      }
      char c = text.charAt(pos);
      switch (c) {
        case '{':
          return parseMap();
        case '(':
          return parseSequence(')');
        case '[':
          return parseSequence(']');
        case '\'':
        case '"':
          return parseString();
        default:
          break;
      }
      if (c == '-' || c == '+' || Character.isDigit(c)) {
        return parseInteger();
      }
      if (Character.isLetter(c) || c == '_') {
        int start = pos;
        while (pos < text.length()
            && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
          pos++;
        }
        String word = text.substring(start, pos);
        return switch (word) {
          case "True" -> Boolean.TRUE;
          case "False" -> Boolean.FALSE;
          case "None" -> null;
          default ->
              throw new IllegalArgumentException("unknown name '" + word + "' at offset " + start);
        };
      }
      throw new IllegalArgumentException("unexpected character '" + c + "' at offset " + pos);
    }

    private Map<String, Object> parseMap() {
      pos++; // '{'
      Map<String, Object> map = new LinkedHashMap<>();
      while (true) {
        skipSpace();
        if (peek() == '}') {
          pos++;
          return map;
        }
        Object key = parseValue();
        if (!(key instanceof String)) {
          throw new IllegalArgumentException("dict key " + repr(key) + " is not a string");
        }
        skipSpace();
        expect(':');
        Object value = parseValue();
        map.put((String) key, value);
        skipSpace();
        char c = peek();
        if (c == ',') {
          pos++;
        } else if (c != '}') {
          throw new IllegalArgumentException("expected ',' or '}' at offset " + pos);
        }
      }
    }

    private List<Object> parseSequence(char close) {
      pos++; // '(' or '['
      List<Object> items = new ArrayList<>();
      while (true) {
        skipSpace();
        if (peek() == close) {
          pos++;
          return items;
        }
        items.add(parseValue());
        skipSpace();
        char c = peek();
        if (c == ',') {
          pos++;
        } else if (c != close) {
          throw new IllegalArgumentException("expected ',' or '" + close + "' at offset " + pos);
        }
      }
    }

    private String parseString() {
      char quote = text.charAt(pos++);
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw new IllegalArgumentException("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == quote) {
          return sb.toString();
        }
        if (c == '\\') {
          if (pos >= text.length()) {
            throw new IllegalArgumentException("unterminated string");
          }
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case '0' -> sb.append('\0');
            default -> sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
    }

    private Long parseInteger() {
      int start = pos;
      if (text.charAt(pos) == '-' || text.charAt(pos) == '+') {
        pos++;
      }
      int digitsStart = pos;
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      if (pos == digitsStart) {
        throw new IllegalArgumentException("expected digits at offset " + digitsStart);
      }
      String digits = text.substring(start, pos);
      // Python 2 era headers may carry a long suffix, e.g. (3L, 4L).
      if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
        pos++;
      }
      try {
        return Long.parseLong(digits.startsWith("+") ? digits.substring(1) : digits);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("integer " + digits + " out of range");
      }
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
      }
      pos++;
    }

    private char peek() {
      if (pos >= text.length()) {
        throw new IllegalArgumentException("unexpected end of header");
      }
      return text.charAt(pos);
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }
  }
}
