package ai.avloc.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Scene JSON read with Jackson into the records of {@link SceneSpec} and {@link SignalSpec}, and
 * the errors that name the JSON path of the offending value ({@code sources[1].signal.frequency:
 * ...}). Every error is an {@link IllegalArgumentException}.
 *
 * <p>Jackson checks the shape: objects are strict (a key that is not a known field is an error,
 * which catches typos such as {@code "frequncy"}, except keys that start with an underscore, which
 * are free for comments), numbers must be JSON numbers and strings JSON strings, never coerced. The
 * records then check the values and apply the defaults of {@code docs/scene-format.md}.
 */
final class SceneJson {

  private static final ObjectMapper MAPPER = mapper();

  private SceneJson() {}

  private static ObjectMapper mapper() {
    return JsonMapper.builder()
        // a null coordinate of a position is refused, not read as 0
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .addHandler(new UnderscoreKeysAreComments())
        // "3" is not the number 3, nor 3 the string "3": a scene file says what it means ...
        .withCoercionConfigDefaults(
            c ->
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        // ... but an integer is a number
        .withCoercionConfig(
            LogicalType.Float,
            c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
        .build();
  }

  /** Keys such as {@code "_comment"} are skipped wherever they appear. */
  private static final class UnderscoreKeysAreComments extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      if (propertyName.startsWith("_")) {
        p.skipChildren();
        return true;
      }
      return false;
    }
  }

  /**
   * A whole number, written as an integer or as a number with no fractional part ({@code 64.0},
   * {@code 1e3}); anything else is refused rather than truncated.
   */
  static final class WholeNumber extends StdDeserializer<Long> {
    WholeNumber() {
      super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_NUMBER_INT)
          && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        return p.getLongValue();
      }
      if (p.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
        double v = p.getDoubleValue();
        if (v == Math.rint(v) && Math.abs(v) < 9e15) {
          return (long) v;
        }
      }
      return (Long) ctxt.handleUnexpectedToken(Long.class, p);
    }
  }

  /** Parses JSON text into a tree; malformed JSON is reported with its line and column. */
  static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads the tree {@code node}, found at {@code path} of the scene, as a {@code type}; a value of
   * the wrong JSON type or an unknown key is reported at its path.
   */
  static <T> T read(JsonNode node, String path, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonMappingException e) {
      throw translate(e, node, path);
    } catch (JsonProcessingException e) {
      throw error(path, e.getOriginalMessage());
    }
  }

  private static IllegalArgumentException translate(
      JsonMappingException e, JsonNode root, String base) {
    String path = base;
    JsonNode node = root;
    boolean element = false;
    for (JsonMappingException.Reference ref : e.getPath()) {
      element = ref.getFieldName() == null;
      if (!element) {
        path = at(path, ref.getFieldName());
        node = node == null ? null : node.get(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path = at(path, ref.getIndex());
        node = node == null ? null : node.get(ref.getIndex());
      }
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return error(path, "unknown field; expected one of: " + names(u.getKnownPropertyIds()));
    }
    if (e instanceof InvalidTypeIdException t && node != null && node.isObject()) {
      JsonNode type = node.get("type");
      if (type == null || type.isNull()) {
        return error(at(path, "type"), "required string is missing");
      }
      if (!type.isTextual()) {
        return error(at(path, "type"), "must be a string, got " + describe(type));
      }
      return error(
          at(path, "type"),
          "unknown signal type '" + t.getTypeId() + "', expected one of: " + SignalSpec.TYPES);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      Class<?> target = m.getTargetType();
      // a bad element of a number array is reported at the element, as a number
      if (element && target.isArray()) {
        target = target.getComponentType();
      }
      return error(path, "must be " + expected(target) + ", got " + describe(node));
    }
    if (e instanceof InvalidTypeIdException) {
      return error(path, "must be a JSON object, got " + describe(node));
    }
    return error(path, e.getOriginalMessage());
  }

  private static String names(Collection<Object> known) {
    return known == null
        ? ""
        : known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  /** What a value of a Java type looks like in JSON, for "must be ..." messages. */
  private static String expected(Class<?> type) {
    if (type == double[].class) {
      return "an array of 3 numbers";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a JSON array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) {
      return "a JSON object";
    }
    return "a " + type.getSimpleName();
  }

  static IllegalArgumentException error(String path, String message) {
    return new IllegalArgumentException((path.isEmpty() ? "scene" : path) + ": " + message);
  }

  /** The path of a field of the object at {@code path}. */
  static String at(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** The path of an element of the array at {@code path}. */
  static String at(String path, int index) {
    return path + "[" + index + "]";
  }

  /** Formats a number the way a person wrote it: whole numbers without ".0". */
  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** A required number, finite. */
  static double number(Double value, String path) {
    if (value == null) {
      throw error(path, "required number is missing");
    }
    return finite(value, path);
  }

  /** An optional number, finite, or {@code fallback} when absent (or JSON null). */
  static double number(Double value, String path, double fallback) {
    return value == null ? fallback : finite(value, path);
  }

  private static double finite(double value, String path) {
    // JSON has no NaN, but 1e999 reads as infinity
    if (!Double.isFinite(value)) {
      throw error(path, "must be a finite number, got " + value);
    }
    return value;
  }

  /** A required string, not blank, stripped. */
  static String text(String value, String path) {
    if (value == null) {
      throw error(path, "required string is missing");
    }
    return text(value, path, null);
  }

  /** An optional string, not blank, stripped, or {@code fallback} when absent (or JSON null). */
  static String text(String value, String path, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isBlank()) {
      throw error(path, "must be a non-blank string, got a string \"" + value + "\"");
    }
    return value.strip();
  }

  /** The JSON type and text of a value for messages: {@code a string "3"}, {@code null}. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String type =
        node.isObject()
            ? "an object"
            : node.isArray()
                ? "an array"
                : node.isTextual()
                    ? "a string"
                    : node.isBoolean() ? "a boolean" : node.isNull() ? "null" : "a number";
    String shown = node.toString();
    if (shown.length() > 60) {
      shown = shown.substring(0, 57) + "...";
    }
    return node.isNull() ? type : type + " " + shown;
  }
}
