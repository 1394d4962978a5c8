package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.RuleMode;
import ai.avloc.schemas.RuleSchedule;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads alert rules from YAML. Field names are those of the {@link AlertRule} schema:
 *
 * <pre>
 * rules:
 *   - ruleId: loading-dock
 *     name: Sound at the loading dock      # optional, default the ruleId
 *     streamIds: [cam-1]                   # optional, default [] = every stream
 *     zone: [[0.1, 0.5], [0.5, 0.5], [0.5, 1.0], [0.1, 1.0]]   # [u, v] or {u: .., v: ..}; [] = whole image
 *     minContrast: 0.5
 *     minDurationWindows: 12               # 1 s
 *     cooldownWindows: 24                  # 2 s
 *     enabled: true                        # optional, default true
 *     mode: array                          # optional: any (default), mono or array; any case
 *     schedule:                            # optional, default always
 *       timeZone: Europe/Rome
 *       days: [MON, TUE, WED, THU, FRI]    # optional, default every day
 *       start: "22:00"                     # HH:mm, quoted (YAML 1.1 reads 22:00 as a number)
 *       end: "06:00"                       # before start: past midnight
 * </pre>
 *
 * <p>{@code mode} picks the localizations the rule counts on a camera: {@code mono} (the model's,
 * from the camera's microphone and frames), {@code array} (beamformed from a microphone array) or
 * {@code any}, the stream's array localizations while it sends them and its mono ones otherwise.
 *
 * <p>Numbers are read from their text, not through YAML 1.1's rules: a leading zero ({@code 010},
 * octal 8 to YAML 1.1), hexadecimal, {@code .inf} and {@code .nan} are refused rather than guessed,
 * a quoted number is text and refused, window counts must be whole. Every problem of the file is
 * reported at once, each with the rule, the field and the line.
 */
public final class RuleFile {
  private static final Set<String> FIELDS =
      Set.of(
          "ruleId",
          "name",
          "streamIds",
          "zone",
          "minContrast",
          "minDurationWindows",
          "cooldownWindows",
          "enabled",
          "mode",
          "schedule");

  /** Decimal whole numbers, YAML's '_' digit separators allowed; no leading zero. */
  private static final Pattern DECIMAL_INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");

  private static final YAMLFactory YAML = new YAMLFactory();

  private RuleFile() {}

  /** The file's rules, validated; throws {@link InvalidRuleException} listing every problem. */
  public static List<AlertRule> read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** {@code source} names the text in messages (a file name). */
  public static List<AlertRule> parse(String yaml, String source) {
    Node root;
    try (JsonParser parser = YAML.createParser(yaml)) {
      root = parser.nextToken() == null ? null : readNode(parser);
    } catch (DuplicateKey e) {
      throw new InvalidRuleException(source, List.of(e.getMessage()));
    } catch (JsonProcessingException e) {
      throw new InvalidRuleException(
          source, List.of("not valid YAML: " + e.getOriginalMessage() + " " + where(e)));
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string failed", e);
    }
    List<String> problems = new ArrayList<>();
    List<AlertRule> rules = new ArrayList<>();
    if (root == null) {
      return rules; // an empty file holds no rules
    }
    if (!(root instanceof MapNode top)) {
      throw new InvalidRuleException(
          source, List.of("line " + root.line() + ": expected a map with a 'rules' list"));
    }
    top.entries()
        .forEach(
            (key, value) -> {
              if (!key.equals("rules")) {
                problems.add(
                    "line " + value.line() + ": unknown key '" + key + "'; expected rules");
              }
            });
    Node list = top.entries().get("rules");
    if (list instanceof ListNode items) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < items.items().size(); i++) {
        AlertRule rule = readRule(items.items().get(i), i, problems);
        if (rule != null && !seen.add(rule.getRuleId())) {
          problems.add(
              "rule '"
                  + rule.getRuleId()
                  + "' (line "
                  + items.items().get(i).line()
                  + "): ruleId: appears more than once");
        } else if (rule != null) {
          rules.add(rule);
        }
      }
    } else if (list != null && !isNull(list)) {
      problems.add("rules (line " + list.line() + "): must be a list of rules");
    }
    if (!problems.isEmpty()) {
      throw new InvalidRuleException(source, problems);
    }
    return rules;
  }

  private static AlertRule readRule(Node node, int index, List<String> problems) {
    if (!(node instanceof MapNode map)) {
      problems.add("rules[" + index + "] (line " + node.line() + "): must be a map of fields");
      return null;
    }
    Map<String, Node> f = map.entries();
    Node idNode = f.get("ruleId");
    String label =
        idNode instanceof Scalar s && !isNull(s)
            ? "rule '" + s.text() + "'"
            : "rules[" + index + "]";
    Field in = new Field(label, problems);
    for (Map.Entry<String, Node> e : f.entrySet()) {
      if (!FIELDS.contains(e.getKey())) {
        in.problem(e.getKey(), e.getValue(), "unknown field; the fields are " + sorted(FIELDS));
      }
    }
    String ruleId = in.text("ruleId", f.get("ruleId"), null);
    String name = in.text("name", f.get("name"), ruleId);
    List<String> streamIds = in.texts("streamIds", f.get("streamIds"));
    List<ImagePoint> zone = in.points("zone", f.get("zone"));
    Double minContrast = in.number("minContrast", f.get("minContrast"));
    Integer minDuration = in.whole("minDurationWindows", f.get("minDurationWindows"));
    Integer cooldown = in.whole("cooldownWindows", f.get("cooldownWindows"));
    Boolean enabled = in.flag("enabled", f.get("enabled"), true);
    RuleMode mode = in.mode("mode", f.get("mode"));
    RuleSchedule schedule = in.schedule("schedule", f.get("schedule"));
    if (in.failed) {
      return null;
    }
    AlertRule rule =
        AlertRule.newBuilder()
            .setRuleId(ruleId)
            .setName(name)
            .setStreamIds(streamIds)
            .setZone(zone)
            .setMinContrast(minContrast.floatValue())
            .setMinDurationWindows(minDuration)
            .setCooldownWindows(cooldown)
            .setEnabled(enabled)
            .setMode(mode)
            .setSchedule(schedule)
            .build();
    for (String p : RuleValidation.problems(rule)) {
      problems.add(label + " (line " + node.line() + "): " + p);
    }
    return rule;
  }

  /** Reads one rule's fields, recording each problem with the rule, field and line. */
  private static final class Field {
    private final String label;
    private final List<String> problems;
    boolean failed;

    Field(String label, List<String> problems) {
      this.label = label;
      this.problems = problems;
    }

    void problem(String field, Node node, String what) {
      problems.add(label + " (line " + node.line() + "): " + field + ": " + what);
      failed = true;
    }

    private boolean missing(String field, Node node, boolean required) {
      if (node != null && !isNull(node)) {
        return false;
      }
      if (required) {
        if (node == null) {
          problems.add(label + ": " + field + ": is required");
          failed = true;
        } else {
          problem(field, node, "is required");
        }
      }
      return true;
    }

    String text(String field, Node node, String fallback) {
      if (missing(field, node, fallback == null)) {
        return fallback;
      }
      if (node instanceof Scalar s) {
        return s.text();
      }
      problem(field, node, "must be text");
      return null;
    }

    RuleMode mode(String field, Node node) {
      if (missing(field, node, false)) {
        return RuleMode.ANY;
      }
      if (node instanceof Scalar s && !s.isNumber()) {
        for (RuleMode m : RuleMode.values()) {
          if (m.name().equalsIgnoreCase(s.text())) {
            return m;
          }
        }
      }
      problem(field, node, "must be any, mono or array");
      return null;
    }

    RuleSchedule schedule(String field, Node node) {
      if (missing(field, node, false)) {
        return null;
      }
      if (!(node instanceof MapNode map)) {
        problem(field, node, "must be a map with timeZone, days, start and end");
        return null;
      }
      Map<String, Node> f = map.entries();
      for (Map.Entry<String, Node> e : f.entrySet()) {
        if (!Set.of("timeZone", "days", "start", "end").contains(e.getKey())) {
          problem(
              field + "." + e.getKey(),
              e.getValue(),
              "unknown field; the fields are [days, end, start, timeZone]");
        }
      }
      String zone = text(field + ".timeZone", f.get("timeZone"), null);
      List<String> days = texts(field + ".days", f.get("days"));
      String start = text(field + ".start", f.get("start"), null);
      String end = text(field + ".end", f.get("end"), null);
      return zone == null || start == null || end == null
          ? null
          : new RuleSchedule(zone, days, start, end);
    }

    List<String> texts(String field, Node node) {
      List<String> out = new ArrayList<>();
      if (missing(field, node, false)) {
        return out;
      }
      if (!(node instanceof ListNode list)) {
        problem(field, node, "must be a list of stream ids");
        return out;
      }
      for (int i = 0; i < list.items().size(); i++) {
        out.add(text(field + "[" + i + "]", list.items().get(i), null));
      }
      return out;
    }

    List<ImagePoint> points(String field, Node node) {
      List<ImagePoint> out = new ArrayList<>();
      if (node == null) {
        return out; // no zone: the whole image
      }
      if (!(node instanceof ListNode list)) {
        problem(field, node, "must be a list of [u, v] points, or [] for the whole image");
        return out;
      }
      for (int i = 0; i < list.items().size(); i++) {
        Node point = list.items().get(i);
        String name = field + "[" + i + "]";
        Double u;
        Double v;
        if (point instanceof ListNode pair && pair.items().size() == 2) {
          u = number(name + ".u", pair.items().get(0));
          v = number(name + ".v", pair.items().get(1));
        } else if (point instanceof MapNode uv
            && uv.entries().size() == 2
            && uv.entries().containsKey("u")
            && uv.entries().containsKey("v")) {
          u = number(name + ".u", uv.entries().get("u"));
          v = number(name + ".v", uv.entries().get("v"));
        } else {
          problem(name, point, "must be a point [u, v] or {u: .., v: ..}");
          continue;
        }
        if (u != null && v != null) {
          out.add(new ImagePoint(u.floatValue(), v.floatValue()));
        }
      }
      return out;
    }

    Double number(String field, Node node) {
      if (missing(field, node, true)) {
        return null;
      }
      if (!(node instanceof Scalar s) || !s.isNumber()) {
        problem(field, node, "must be a number, got " + describeAsNumber(node));
        return null;
      }
      String digits = s.text().replace("_", "");
      if (s.token() == JsonToken.VALUE_NUMBER_INT && !DECIMAL_INTEGER.matcher(s.text()).matches()) {
        problem(field, node, ambiguous(s.text()));
        return null;
      }
      double value;
      try {
        value = Double.parseDouble(digits);
      } catch (NumberFormatException e) {
        value = Double.NaN; // .inf, .nan and other YAML spellings Java does not read
      }
      if (!Double.isFinite(value)) {
        problem(field, node, "must be a finite number, got '" + s.text() + "'");
        return null;
      }
      return value;
    }

    Integer whole(String field, Node node) {
      if (missing(field, node, true)) {
        return null;
      }
      if (!(node instanceof Scalar s) || !s.isNumber()) {
        problem(field, node, "must be a whole number, got " + describeAsNumber(node));
        return null;
      }
      if (s.token() != JsonToken.VALUE_NUMBER_INT) {
        problem(field, node, "must be a whole number of windows, got '" + s.text() + "'");
        return null;
      }
      if (!DECIMAL_INTEGER.matcher(s.text()).matches()) {
        problem(field, node, ambiguous(s.text()));
        return null;
      }
      try {
        return Integer.parseInt(s.text().replace("_", ""));
      } catch (NumberFormatException e) {
        problem(field, node, "'" + s.text() + "' is out of range");
        return null;
      }
    }

    Boolean flag(String field, Node node, boolean fallback) {
      if (missing(field, node, false)) {
        return fallback;
      }
      if (node instanceof Scalar s
          && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
        return s.token() == JsonToken.VALUE_TRUE;
      }
      problem(field, node, "must be true or false, got " + describe(node));
      return null;
    }
  }

  private static String ambiguous(String text) {
    return "'"
        + text
        + "' is not a plain decimal number (YAML reads a leading 0 as octal, 0x as hexadecimal);"
        + " write it in decimal without leading zeros";
  }

  private static String describe(Node node) {
    if (node instanceof Scalar s) {
      return s.token() == JsonToken.VALUE_STRING ? "text '" + s.text() + "'" : "'" + s.text() + "'";
    }
    return node instanceof ListNode ? "a list" : "a map";
  }

  /** Like describe, with a hint when the text is a number in quotes. */
  private static String describeAsNumber(Node node) {
    if (node instanceof Scalar s && s.token() == JsonToken.VALUE_STRING) {
      try {
        Double.parseDouble(s.text().trim());
        return describe(node) + " (write numbers without quotes)";
      } catch (NumberFormatException e) {
        return describe(node);
      }
    }
    return describe(node);
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static boolean isNull(Node node) {
    return node instanceof Scalar s && s.token() == JsonToken.VALUE_NULL;
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : "(line " + e.getLocation().getLineNr() + ")";
  }

  // A YAML document as read, keeping each scalar's text and each node's line.

  private sealed interface Node permits MapNode, ListNode, Scalar {
    int line();
  }

  private record MapNode(Map<String, Node> entries, int line) implements Node {}

  private record ListNode(List<Node> items, int line) implements Node {}

  private record Scalar(JsonToken token, String text, int line) implements Node {
    boolean isNumber() {
      return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }
  }

  private static final class DuplicateKey extends RuntimeException {
    DuplicateKey(String message) {
      super(message);
    }
  }

  /** Reads the node at the parser's current token, leaving the parser on its last token. */
  private static Node readNode(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    int line = parser.currentTokenLocation().getLineNr();
    if (token == JsonToken.START_OBJECT) {
      Map<String, Node> entries = new LinkedHashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        int keyLine = parser.currentTokenLocation().getLineNr();
        parser.nextToken();
        Node value = readNode(parser);
        if (entries.put(key, value) != null) {
          throw new DuplicateKey("line " + keyLine + ": key '" + key + "' appears twice");
        }
      }
      return new MapNode(entries, line);
    }
    if (token == JsonToken.START_ARRAY) {
      List<Node> items = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        items.add(readNode(parser));
      }
      return new ListNode(items, line);
    }
    return new Scalar(token, parser.getText(), line);
  }
}
