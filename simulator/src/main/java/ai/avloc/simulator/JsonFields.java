package ai.avloc.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Reading typed fields out of Jackson trees with errors that name the JSON path of the offending
 * value ({@code sources[1].signal.frequency: ...}). Every error is an {@link
 * IllegalArgumentException}.
 *
 * <p>Objects are strict: a key that is not a known field is an error (catches typos such as {@code
 * "frequncy"}), except keys that start with an underscore, which are free for comments ({@code
 * "_comment": "..."}).
 */
final class JsonFields {

  private JsonFields() {}

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

  static void requireObject(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw error(path, "must be a JSON object, got " + describe(node));
    }
  }

  /**
   * Fails on the first key of {@code object} that is not in {@code known} and does not start with
   * '_'.
   */
  static void allowOnly(JsonNode object, String path, String... known) {
    List<String> allowed = Arrays.asList(known);
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.startsWith("_") && !allowed.contains(key)) {
        throw error(at(path, key), "unknown field; expected one of: " + String.join(", ", known));
      }
    }
  }

  /** Whether the field is present with a value other than JSON null. */
  static boolean has(JsonNode object, String field) {
    JsonNode v = object.get(field);
    return v != null && !v.isNull();
  }

  static double number(JsonNode object, String field, String path) {
    if (!has(object, field)) {
      throw error(at(path, field), "required number is missing");
    }
    return toNumber(object.get(field), at(path, field));
  }

  static double number(JsonNode object, String field, String path, double fallback) {
    return has(object, field) ? toNumber(object.get(field), at(path, field)) : fallback;
  }

  static double toNumber(JsonNode node, String path) {
    if (!node.isNumber()) {
      throw error(path, "must be a number, got " + describe(node));
    }
    double v = node.asDouble();
    if (!Double.isFinite(v)) {
      throw error(path, "must be a finite number, got " + node);
    }
    return v;
  }

  static long integer(JsonNode object, String field, String path, long fallback) {
    if (!has(object, field)) {
      return fallback;
    }
    JsonNode node = object.get(field);
    String p = at(path, field);
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isNumber()
        && node.asDouble() == Math.rint(node.asDouble())
        && Math.abs(node.asDouble()) < 9e15) {
      return (long) node.asDouble();
    }
    throw error(p, "must be a whole number, got " + describe(node));
  }

  static String text(JsonNode object, String field, String path, String fallback) {
    if (!has(object, field)) {
      return fallback;
    }
    JsonNode node = object.get(field);
    if (!node.isTextual() || node.asText().isBlank()) {
      throw error(at(path, field), "must be a non-blank string, got " + describe(node));
    }
    return node.asText().strip();
  }

  static String text(JsonNode object, String field, String path) {
    if (!has(object, field)) {
      throw error(at(path, field), "required string is missing");
    }
    return text(object, field, path, null);
  }

  /** A JSON array of exactly {@code n} finite numbers. */
  static double[] numbers(JsonNode node, String path, int n) {
    if (node == null || !node.isArray() || node.size() != n) {
      throw error(path, "must be an array of " + n + " numbers, got " + describe(node));
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = toNumber(node.get(i), at(path, i));
    }
    return out;
  }

  /** The elements of a JSON array field (required). */
  static List<JsonNode> array(JsonNode object, String field, String path) {
    JsonNode node = object.get(field);
    if (node == null || !node.isArray()) {
      throw error(at(path, field), "must be a JSON array, got " + describe(node));
    }
    List<JsonNode> out = new ArrayList<>();
    node.forEach(out::add);
    return out;
  }

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
