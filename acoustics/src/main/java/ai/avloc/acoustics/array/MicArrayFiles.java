package ai.avloc.acoustics.array;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads and writes {@link MicArray} geometries as files.
 *
 * <ul>
 *   <li>{@code .xml}: Acoular's format, a root element (Acoular writes {@code <MicArray
 *       name="...">}) holding one {@code <pos Name="Point 1" x="0.4" y="-0.1" z="0"/>} per
 *       microphone, in channel order. {@code Name} is optional and ignored; a missing or blank root
 *       {@code name} falls back to the file name without its extension. Like Acoular, every {@code
 *       pos} element in the document counts, whatever its depth.
 *   <li>{@code .csv}: UTF-8 text, one microphone per line as {@code x,y,z}, optionally after a
 *       header line {@code x,y,z} or {@code name,x,y,z} (the latter means four columns per line,
 *       the first a label that is ignored). Blank lines and lines starting with {@code #} are
 *       skipped; there is no quoting, so labels may not contain commas. The array is named after
 *       the file.
 * </ul>
 *
 * <p>Numbers are plain decimals with an optional exponent ({@code -0.1}, {@code 4.5e-2}); Java's
 * extras ({@code 0x1p3}, {@code 1d}, {@code Infinity}) are rejected. Writers use {@link
 * Double#toString(double)}, which parses back to the identical double, so a write followed by a
 * read reproduces the array exactly.
 *
 * <p>Errors: I/O failures propagate as {@link IOException}; malformed content raises {@link
 * IllegalArgumentException} whose message starts with the file path and names the line (CSV) or the
 * 1-based {@code pos} element (XML). Geometry errors found by {@link MicArray} (coincident
 * microphones) are reported with the path prefixed and the 0-based microphone indices.
 */
public final class MicArrayFiles {

  /** The extensions {@link #read(Path)} understands, lower case, with the dot. */
  public static final List<String> SUPPORTED_EXTENSIONS = List.of(".xml", ".csv");

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final String[] AXES = {"x", "y", "z"};

  private MicArrayFiles() {}

  /**
   * Reads a geometry, choosing the format by the file's extension (case-insensitive).
   *
   * @throws IllegalArgumentException for an unsupported extension (the message lists the supported
   *     ones) or malformed content
   * @throws IOException if the file cannot be read
   */
  public static MicArray read(Path file) throws IOException {
    String ext = extension(file);
    return switch (ext) {
      case ".xml" -> readXml(file);
      case ".csv" -> readCsv(file);
      default ->
          throw new IllegalArgumentException(
              file
                  + ": unsupported geometry file extension "
                  + (ext.isEmpty() ? "(none)" : "'" + ext + "'")
                  + ", supported: "
                  + String.join(", ", SUPPORTED_EXTENSIONS));
    };
  }

  /** Reads an Acoular XML geometry whatever the file's extension. */
  public static MicArray readXml(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      throw new IllegalArgumentException(file + ": no microphones");
    }
    PosCollector collector = new PosCollector(file);
    try {
      SAXParser parser = secureParserFactory().newSAXParser();
      InputSource source = new InputSource(new ByteArrayInputStream(bytes));
      source.setSystemId(file.toUri().toString());
      parser.parse(source, collector);
    } catch (SAXParseException e) {
      throw new IllegalArgumentException(
          file
              + ": malformed XML at line "
              + e.getLineNumber()
              + ", column "
              + e.getColumnNumber()
              + ": "
              + e.getMessage(),
          e);
    } catch (SAXException e) {
      throw new IllegalArgumentException(file + ": malformed XML: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      // The JDK's parser supports every feature we ask for; failing here means a broken runtime.
      throw new IllegalStateException("cannot configure a secure XML parser", e);
    }
    if (collector.positions.isEmpty()) {
      throw new IllegalArgumentException(file + ": no microphones (no <pos> elements)");
    }
    String name =
        collector.arrayName == null || collector.arrayName.isBlank()
            ? baseName(file)
            : collector.arrayName.strip();
    return build(file, name, collector.positions);
  }

  /** Reads a CSV geometry whatever the file's extension. */
  public static MicArray readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<double[]> positions = new ArrayList<>();
    boolean named = false;
    boolean seenContent = false;
    for (int i = 0; i < lines.size(); i++) {
      int lineNumber = i + 1;
      String line = lines.get(i);
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split(",", -1);
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].strip();
      }
      if (!seenContent) {
        seenContent = true;
        String header = String.join(",", cells).toLowerCase(Locale.ROOT);
        if (header.equals("x,y,z")) {
          continue;
        }
        if (header.equals("name,x,y,z")) {
          named = true;
          continue;
        }
        if (!DECIMAL.matcher(cells[0]).matches()) {
          throw new IllegalArgumentException(
              file
                  + ": line "
                  + lineNumber
                  + ": expected a header 'x,y,z' or 'name,x,y,z' or a row of three numbers, got '"
                  + line
                  + "'");
        }
      }
      int expected = named ? 4 : 3;
      if (cells.length != expected) {
        throw new IllegalArgumentException(
            file
                + ": line "
                + lineNumber
                + ": expected "
                + expected
                + " columns ("
                + (named ? "name,x,y,z" : "x,y,z")
                + "), found "
                + cells.length);
      }
      double[] p = new double[3];
      for (int c = 0; c < 3; c++) {
        String cell = cells[c + expected - 3];
        if (!DECIMAL.matcher(cell).matches()) {
          throw new IllegalArgumentException(
              file + ": line " + lineNumber + ": " + AXES[c] + " is not a number: '" + cell + "'");
        }
        p[c] = Double.parseDouble(cell);
      }
      positions.add(p);
    }
    if (positions.isEmpty()) {
      throw new IllegalArgumentException(file + ": no microphones");
    }
    return build(file, baseName(file), positions);
  }

  /**
   * Writes Acoular's XML format: root {@code <MicArray name="...">}, then {@code <pos Name="Point
   * N" .../>} with N counting from 1, coordinates at full double precision. Overwrites an existing
   * file.
   */
  public static void writeXml(MicArray array, Path file) throws IOException {
    StringBuilder out = new StringBuilder(64 + 80 * array.size());
    out.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.append("<MicArray name=\"").append(escapeAttribute(array.name())).append("\">\n");
    for (int m = 0; m < array.size(); m++) {
      double[] p = array.position(m);
      out.append("  <pos Name=\"Point ")
          .append(m + 1)
          .append("\" x=\"")
          .append(p[0])
          .append("\" y=\"")
          .append(p[1])
          .append("\" z=\"")
          .append(p[2])
          .append("\"/>\n");
    }
    out.append("</MicArray>\n");
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  /**
   * Writes CSV: the header {@code x,y,z}, then one line per microphone at full double precision.
   */
  public static void writeCsv(MicArray array, Path file) throws IOException {
    StringBuilder out = new StringBuilder(8 + 64 * array.size());
    out.append("x,y,z\n");
    for (int m = 0; m < array.size(); m++) {
      double[] p = array.position(m);
      out.append(p[0]).append(',').append(p[1]).append(',').append(p[2]).append('\n');
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  private static MicArray build(Path file, String name, List<double[]> positions) {
    try {
      return new MicArray(name, positions.toArray(new double[0][]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A SAX parser factory that refuses DOCTYPEs outright (so no DTDs, no entity expansion, no
   * external resources) and turns on the JDK's secure-processing limits besides.
   */
  private static SAXParserFactory secureParserFactory()
      throws ParserConfigurationException, SAXException {
    SAXParserFactory factory = SAXParserFactory.newInstance();
    factory.setNamespaceAware(false);
    factory.setValidating(false);
    factory.setXIncludeAware(false);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return factory;
  }

  /**
   * Collects the root's name attribute and the coordinates of every {@code pos} element, in
   * document order.
   */
  private static final class PosCollector extends DefaultHandler {
    private final Path file;
    private final List<double[]> positions = new ArrayList<>();
    private String arrayName;
    private boolean atRoot = true;
    private Locator locator;

    PosCollector(Path file) {
      this.file = file;
    }

    @Override
    public void setDocumentLocator(Locator locator) {
      this.locator = locator;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
      if (atRoot) {
        atRoot = false;
        arrayName = attributes.getValue("name");
      }
      if (!qName.equals("pos")) {
        return;
      }
      int number = positions.size() + 1;
      double[] p = new double[3];
      for (int c = 0; c < 3; c++) {
        String raw = attributes.getValue(AXES[c]);
        if (raw == null) {
          throw new IllegalArgumentException(
              file + ": pos element " + number + where() + ": missing attribute " + AXES[c]);
        }
        String value = raw.strip();
        if (!DECIMAL.matcher(value).matches()) {
          throw new IllegalArgumentException(
              file
                  + ": pos element "
                  + number
                  + where()
                  + ": "
                  + AXES[c]
                  + " is not a number: '"
                  + raw
                  + "'");
        }
        p[c] = Double.parseDouble(value);
      }
      positions.add(p);
    }

    private String where() {
      return locator == null ? "" : " (line " + locator.getLineNumber() + ")";
    }
  }

  private static String extension(Path file) {
    String name = fileName(file);
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
  }

  private static String baseName(Path file) {
    String name = fileName(file);
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? name : name.substring(0, dot);
  }

  private static String fileName(Path file) {
    Path name = file.getFileName();
    return name == null ? "" : name.toString();
  }

  private static String escapeAttribute(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        case '\n' -> out.append("&#10;");
        case '\r' -> out.append("&#13;");
        case '\t' -> out.append("&#9;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}
