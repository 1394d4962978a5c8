package ai.avloc.ingest.inventory;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.array.MicArrayFiles;
import ai.avloc.ingest.live.CameraUrl;
import ai.avloc.schemas.InputLimits;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code cameras.yaml} (format: {@code docs/cameras.md}) into validated {@link CameraSpec}s.
 *
 * <p>The YAML is read as a tree that keeps each node's line, then checked as a whole, so one run
 * reports every problem of the file, each naming the file and line: unknown keys, a missing or
 * duplicate id, an id that is not a valid stream id ({@link InputLimits#streamIdProblem}), a
 * missing url or one that holds a password, an unknown transport, an unset password variable or an
 * unreadable password file, an unknown geometry, or a channel map that does not fit the geometry.
 * Errors never quote a URL or a password.
 *
 * <p>Relative paths (password files, geometry files) are relative to the inventory's directory.
 */
public final class CameraInventory {

  private static final Set<String> TOP_KEYS = Set.of("cameras");
  private static final List<String> CAMERA_KEYS =
      List.of("id", "url", "substream", "transport", "credentials", "enabled", "labels", "array");
  private static final List<String> CREDENTIAL_KEYS =
      List.of("user", "passwordEnv", "passwordFile");
  private static final List<String> ARRAY_KEYS = List.of("geometry", "channels");

  /**
   * scheme://user:password@host: a password written into the URL itself, up to the last '@' before
   * any query (a raw password may hold '/' or '@').
   */
  private static final Pattern INLINE_PASSWORD =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*:[^?#]*@", Pattern.DOTALL);

  private static final YAMLFactory YAML = new YAMLFactory();

  private CameraInventory() {}

  /**
   * Parses the file, reading passwords from the process environment.
   *
   * @throws InventoryException with every problem of the file
   * @throws IOException if the file cannot be read
   */
  public static List<CameraSpec> parse(Path file) throws IOException {
    return parse(file, System.getenv());
  }

  /**
   * Parses the file, reading {@code passwordEnv} variables from {@code env}.
   *
   * @throws InventoryException with every problem of the file
   * @throws IOException if the file cannot be read
   */
  public static List<CameraSpec> parse(Path file, Map<String, String> env) throws IOException {
    return parse(file, Files.readString(file, StandardCharsets.UTF_8), env);
  }

  /** Parses {@code text} as the content of {@code file} (whose directory relative paths use). */
  static List<CameraSpec> parse(Path file, String text, Map<String, String> env) {
    Checker checker = new Checker(file, env);
    Node root;
    try (YAMLParser parser = YAML.createParser(text)) {
      JsonToken first = parser.nextToken();
      root = first == null ? null : read(parser, checker);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      checker.error(line, "not valid YAML: " + e.getOriginalMessage().replace("\n", "; "));
      throw new InventoryException(checker.errors());
    } catch (IOException e) {
      // a String source does no I/O; only the parser's own errors arrive here
      checker.error(0, "not valid YAML: " + e.getMessage());
      throw new InventoryException(checker.errors());
    }
    List<CameraSpec> cameras = checker.inventory(root);
    if (!checker.found.isEmpty()) {
      throw new InventoryException(checker.errors());
    }
    return List.copyOf(cameras);
  }

  // ---- a YAML tree that remembers lines ----

  private sealed interface Node {
    int line();
  }

  private record Scalar(String text, JsonToken token, int line) implements Node {
    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }
  }

  private record Entry(String key, int keyLine, Node value) {}

  private record Mapping(Map<String, Entry> entries, int line) implements Node {}

  private record Sequence(List<Node> items, int line) implements Node {}

  private static Node read(YAMLParser p, Checker checker) throws IOException {
    JsonToken token = p.currentToken();
    int line = p.currentTokenLocation().getLineNr();
    if (token == JsonToken.START_OBJECT) {
      Map<String, Entry> entries = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int keyLine = p.currentTokenLocation().getLineNr();
        p.nextToken();
        Node value = read(p, checker);
        Entry earlier = entries.putIfAbsent(key, new Entry(key, keyLine, value));
        if (earlier != null) {
          checker.error(
              keyLine, "key '" + key + "' given twice (first on line " + earlier.keyLine + ")");
        }
      }
      return new Mapping(entries, line);
    }
    if (token == JsonToken.START_ARRAY) {
      List<Node> items = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        items.add(read(p, checker));
      }
      return new Sequence(items, line);
    }
    return new Scalar(p.getText(), token, line);
  }

  // ---- validation ----

  private static final class Checker {
    private final Path file;
    private final Path dir;
    private final Map<String, String> env;
    private final List<Map.Entry<Integer, String>> found = new ArrayList<>();

    Checker(Path file, Map<String, String> env) {
      this.file = file;
      Path parent = file.toAbsolutePath().getParent();
      this.dir = parent == null ? Path.of(".") : parent;
      this.env = env;
    }

    void error(int line, String what) {
      found.add(Map.entry(line, file + ":" + line + ": " + what));
    }

    /** Every problem found, by line (a stable sort: one line's problems in the order found). */
    List<String> errors() {
      return found.stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }

    List<CameraSpec> inventory(Node root) {
      List<CameraSpec> cameras = new ArrayList<>();
      if (!(root instanceof Mapping top)) {
        error(root == null ? 1 : root.line(), "expected a mapping with a 'cameras' list");
        return cameras;
      }
      for (Entry e : top.entries().values()) {
        if (!TOP_KEYS.contains(e.key())) {
          error(e.keyLine(), "unknown key '" + e.key() + "' (known: cameras)");
        }
      }
      Entry list = top.entries().get("cameras");
      if (list == null) {
        error(top.line(), "no 'cameras' list");
        return cameras;
      }
      if (list.value() instanceof Scalar s && s.isNull()) {
        return cameras; // "cameras:" with nothing under it: an empty inventory
      }
      if (!(list.value() instanceof Sequence items)) {
        error(list.value().line(), "'cameras' must be a list of cameras");
        return cameras;
      }
      Map<String, Integer> idLines = new HashMap<>();
      for (int i = 0; i < items.items().size(); i++) {
        CameraSpec spec = camera(i, items.items().get(i), idLines);
        if (spec != null) {
          cameras.add(spec);
        }
      }
      return cameras;
    }

    /** One camera, or null after reporting what is wrong with it. */
    private CameraSpec camera(int index, Node node, Map<String, Integer> idLines) {
      int before = found.size();
      if (!(node instanceof Mapping m)) {
        error(node.line(), "cameras[" + index + "]: expected a mapping (id, url, ...)");
        return null;
      }
      String where = "cameras[" + index + "]";
      Entry idEntry = m.entries().get("id");
      String id = null;
      if (idEntry == null || isNull(idEntry.value())) {
        error(m.line(), where + ": missing id");
      } else {
        id = text(where, idEntry);
        if (id != null) {
          String problem = InputLimits.streamIdProblem(id);
          if (problem != null) {
            error(idEntry.keyLine(), where + ": bad id: " + problem);
            id = null;
          } else {
            where = "camera '" + id + "'";
            Integer first = idLines.putIfAbsent(id, idEntry.keyLine());
            if (first != null) {
              error(idEntry.keyLine(), "duplicate id '" + id + "' (first on line " + first + ")");
            }
          }
        }
      }
      unknownKeys(where, m, CAMERA_KEYS);

      String url = null;
      Entry urlEntry = m.entries().get("url");
      if (urlEntry == null || isNull(urlEntry.value())) {
        error(m.line(), where + ": missing url");
      } else {
        url = url(where, "url", urlEntry);
      }
      Entry subEntry = m.entries().get("substream");
      String substream =
          subEntry == null || isNull(subEntry.value()) ? null : url(where, "substream", subEntry);

      CameraSpec.Transport transport = CameraSpec.Transport.TCP;
      Entry tEntry = m.entries().get("transport");
      if (tEntry != null && !isNull(tEntry.value())) {
        String t = text(where, tEntry);
        if (t != null) {
          switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "tcp" -> transport = CameraSpec.Transport.TCP;
            case "udp" -> transport = CameraSpec.Transport.UDP;
            default ->
                error(tEntry.keyLine(), where + ": transport '" + t + "' is neither tcp nor udp");
          }
        }
      }

      boolean enabled = true;
      Entry enEntry = m.entries().get("enabled");
      if (enEntry != null) {
        JsonToken tok = enEntry.value() instanceof Scalar s ? s.token() : null;
        if (tok == JsonToken.VALUE_TRUE || tok == JsonToken.VALUE_FALSE) {
          enabled = tok == JsonToken.VALUE_TRUE;
        } else {
          error(enEntry.keyLine(), where + ": enabled must be true or false");
        }
      }

      Map<String, String> labels = labels(where, m.entries().get("labels"));

      String user = null;
      Secret password = null;
      Entry credEntry = m.entries().get("credentials");
      if (credEntry != null && !isNull(credEntry.value())) {
        if (!(credEntry.value() instanceof Mapping c)) {
          error(
              credEntry.keyLine(),
              where + ": credentials must be a mapping (user, passwordEnv" + " or passwordFile)");
        } else {
          unknownKeys(where + ": credentials", c, CREDENTIAL_KEYS);
          Entry u = c.entries().get("user");
          if (u == null || isNull(u.value())) {
            error(c.line(), where + ": credentials without a user");
          } else {
            user = text(where, u);
          }
          password = password(where, c);
        }
      }

      ArraySpec array = array(where, m.entries().get("array"));
      if (array == null && m.entries().get("array") == null) {
        // a mono camera is read by a live camera: its URLs must be ones it reads (an array's input
        // may also be a sound server, which its own source checks when it opens it)
        cameraUrl(where, "url", urlEntry, url);
        cameraUrl(where, "substream", subEntry, substream);
      }

      if (found.size() > before || id == null || url == null) {
        return null;
      }
      return new CameraSpec(id, url, substream, transport, user, password, enabled, labels, array);
    }

    private Secret password(String where, Mapping c) {
      Entry envEntry = c.entries().get("passwordEnv");
      Entry fileEntry = c.entries().get("passwordFile");
      if ((envEntry == null) == (fileEntry == null)) {
        error(c.line(), where + ": credentials need exactly one of passwordEnv or passwordFile");
        return null;
      }
      if (envEntry != null) {
        String name = text(where, envEntry);
        if (name == null) {
          return null;
        }
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
          error(
              envEntry.keyLine(),
              where
                  + ": environment variable "
                  + name
                  + (value == null ? " is not set" : " is empty"));
          return null;
        }
        return new Secret(value);
      }
      String name = text(where, fileEntry);
      if (name == null) {
        return null;
      }
      Path path = dir.resolve(name);
      String value;
      try {
        value = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        error(fileEntry.keyLine(), where + ": cannot read password file " + path);
        return null;
      }
      // files written by echo or secret stores end with a newline that is not part of the password
      value = value.replaceAll("[\r\n]+$", "");
      if (value.isEmpty()) {
        error(fileEntry.keyLine(), where + ": password file " + path + " is empty");
        return null;
      }
      return new Secret(value);
    }

    private ArraySpec array(String where, Entry entry) {
      if (entry == null || isNull(entry.value())) {
        return null;
      }
      if (!(entry.value() instanceof Mapping a)) {
        error(entry.keyLine(), where + ": array must be a mapping (geometry, channels)");
        return null;
      }
      unknownKeys(where + ": array", a, ARRAY_KEYS);
      Entry gEntry = a.entries().get("geometry");
      if (gEntry == null || isNull(gEntry.value())) {
        error(a.line(), where + ": array without a geometry");
        return null;
      }
      String name = text(where, gEntry);
      if (name == null) {
        return null;
      }
      String geometryId;
      MicArray geometry;
      String lower = name.strip().toLowerCase(Locale.ROOT);
      if (BuiltinArrays.names().contains(lower)) {
        geometryId = lower;
        geometry = BuiltinArrays.byName(lower);
      } else if (MicArrayFiles.SUPPORTED_EXTENSIONS.stream().anyMatch(lower::endsWith)) {
        Path path = dir.resolve(name.strip());
        try {
          geometry = MicArrayFiles.read(path);
        } catch (IOException | RuntimeException e) {
          error(
              gEntry.keyLine(),
              where + ": geometry file " + path + " cannot be read: " + e.getMessage());
          return null;
        }
        geometryId = geometry.name();
      } else {
        error(
            gEntry.keyLine(),
            where
                + ": unknown geometry '"
                + name
                + "': neither a built-in array ("
                + String.join(", ", BuiltinArrays.names())
                + ") nor a .xml or .csv file");
        return null;
      }
      Entry cEntry = a.entries().get("channels");
      List<Integer> channels = new ArrayList<>();
      if (cEntry == null || isNull(cEntry.value())) {
        for (int m = 0; m < geometry.size(); m++) {
          channels.add(m); // no map: microphone m is source channel m
        }
        return new ArraySpec(geometryId, geometry, channels);
      }
      if (!(cEntry.value() instanceof Sequence seq)) {
        error(cEntry.keyLine(), where + ": channels must be a list of source channel numbers");
        return null;
      }
      boolean ok = true;
      Map<Integer, Integer> seen = new HashMap<>();
      for (int m = 0; m < seq.items().size(); m++) {
        Node item = seq.items().get(m);
        Integer channel = null;
        if (item instanceof Scalar s && s.token() == JsonToken.VALUE_NUMBER_INT) {
          try {
            channel = Integer.valueOf(s.text());
          } catch (NumberFormatException e) {
            channel = null;
          }
        }
        if (channel == null || channel < 0) {
          error(
              item.line(),
              where
                  + ": channels["
                  + m
                  + "] must be a source channel number from 0, got "
                  + describe(item));
          ok = false;
          continue;
        }
        Integer earlier = seen.putIfAbsent(channel, m);
        if (earlier != null) {
          error(
              item.line(),
              where
                  + ": source channel "
                  + channel
                  + " is mapped to microphones "
                  + earlier
                  + " and "
                  + m);
          ok = false;
        }
        channels.add(channel);
      }
      if (seq.items().size() != geometry.size()) {
        error(
            cEntry.keyLine(),
            where
                + ": channel map has "
                + seq.items().size()
                + " channels but geometry "
                + geometryId
                + " has "
                + geometry.size()
                + " microphones");
        ok = false;
      }
      return ok ? new ArraySpec(geometryId, geometry, channels) : null;
    }

    private Map<String, String> labels(String where, Entry entry) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (entry == null || isNull(entry.value())) {
        return labels;
      }
      if (!(entry.value() instanceof Mapping m)) {
        error(entry.keyLine(), where + ": labels must be a mapping of names to values");
        return labels;
      }
      for (Entry e : m.entries().values()) {
        String value = text(where + ": label '" + e.key() + "'", e);
        if (value != null) {
          labels.put(e.key(), value);
        }
      }
      return labels;
    }

    private void cameraUrl(String where, String key, Entry entry, String url) {
      if (url == null) {
        return;
      }
      try {
        CameraUrl.parse(url);
      } catch (IllegalArgumentException e) {
        // CameraUrl's messages show the URL redacted, or only its scheme
        error(entry.keyLine(), where + ": " + key + ": " + e.getMessage());
      }
    }

    private String url(String where, String key, Entry entry) {
      String url = text(where, entry);
      if (url == null) {
        return null;
      }
      url = url.strip();
      if (url.isEmpty()) {
        error(entry.keyLine(), where + ": " + key + " is empty");
        return null;
      }
      if (INLINE_PASSWORD.matcher(url).find()) {
        // the URL is not quoted: it holds the password
        error(
            entry.keyLine(),
            where
                + ": "
                + key
                + " holds a password (user:password@); give it under credentials with"
                + " passwordEnv or passwordFile");
        return null;
      }
      return url;
    }

    private void unknownKeys(String where, Mapping m, List<String> known) {
      for (Entry e : m.entries().values()) {
        if (!known.contains(e.key())) {
          error(
              e.keyLine(),
              where + ": unknown key '" + e.key() + "' (known: " + String.join(", ", known) + ")");
        }
      }
    }

    /** A scalar's text, or null after reporting that the value is a list or mapping. */
    private String text(String where, Entry entry) {
      if (entry.value() instanceof Scalar s && !s.isNull()) {
        return s.text();
      }
      error(entry.keyLine(), where + ": " + entry.key() + " must be a single value");
      return null;
    }

    private static boolean isNull(Node node) {
      return node instanceof Scalar s && s.isNull();
    }

    private static String describe(Node node) {
      if (node instanceof Scalar s) {
        return s.isNull() ? "nothing" : "'" + s.text() + "'";
      }
      return node instanceof Sequence ? "a list" : "a mapping";
    }
  }
}
