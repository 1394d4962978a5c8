package ai.avloc.alerts.delivery;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.WindowClock;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON shape of an alert event, sent by every sink: Frigate's event message, {@code
 * {"type":"new"|"update"|"end","before":{...},"after":{...}}}, so a Home Assistant or Node-RED flow
 * written for Frigate reads it. The event object: {@code id} (alert id), {@code camera} (stream
 * id), {@code label} "sound", {@code sub_label} (rule name), {@code rule_id}, {@code start_time} /
 * {@code end_time} (epoch seconds; end_time null until END), {@code score} (current contrast),
 * {@code top_score} (peak contrast), {@code position} ({@code {u,v}}, null on END) and {@code
 * window}.
 *
 * <p>{@code before} is the alert's previous event as this instance last built it, and on {@code
 * new} the event itself, as Frigate does. Each sink keeps its own instance, fed in its own order.
 * At most {@code remembered} alerts are kept (least recently seen dropped first), and an alert is
 * forgotten at its END; an UPDATE of an alert no longer remembered gets {@code before == after}.
 * Not thread-safe: one sink thread uses it.
 */
public final class FrigateEvents {
  /** Alerts remembered for {@code before} by default. */
  public static final int DEFAULT_REMEMBERED = 10_000;

  // epoch seconds as 1764369600.5, not 1.7643696005E9
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private final Map<String, ObjectNode> previous;

  public FrigateEvents() {
    this(DEFAULT_REMEMBERED);
  }

  public FrigateEvents(int remembered) {
    if (remembered < 1) {
      throw new IllegalArgumentException("remembered alerts must be at least 1, got " + remembered);
    }
    this.previous =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > remembered;
          }
        };
  }

  /**
   * One event ready to send.
   *
   * @param id stable across redeliveries of the same alert record: alert id, window and type
   * @param type new, update or end
   * @param json the message body
   */
  public record Event(String id, String type, String json) {}

  /** The event for {@code alert}, with the alert's previous event as {@code before}. */
  public Event next(Alert alert) {
    ObjectNode after = describe(alert);
    String type = type(alert.getState());
    ObjectNode before =
        switch (alert.getState()) {
          case START -> {
            previous.put(alert.getAlertId(), after);
            yield after;
          }
          case UPDATE -> previous.put(alert.getAlertId(), after);
          case END -> previous.remove(alert.getAlertId());
        };
    ObjectNode message = JSON.createObjectNode();
    message.put("type", type);
    message.set("before", before == null ? after : before);
    message.set("after", after);
    try {
      return new Event(
          alert.getAlertId() + "@" + alert.getWindow() + ":" + type,
          type,
          JSON.writeValueAsString(message));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write an alert event as JSON", e);
    }
  }

  /** Alerts remembered for {@code before} right now. */
  public int remembered() {
    return previous.size();
  }

  static String type(AlertState state) {
    return switch (state) {
      case START -> "new";
      case UPDATE -> "update";
      case END -> "end";
    };
  }

  /** The Frigate-shaped event object of one alert record. */
  static ObjectNode describe(Alert alert) {
    ObjectNode event = JSON.createObjectNode();
    event.put("id", alert.getAlertId());
    event.put("camera", alert.getStreamId());
    event.put("label", "sound");
    event.put("sub_label", alert.getRuleName());
    event.put("rule_id", alert.getRuleId());
    event.put("start_time", seconds(WindowClock.startMicros(alert.getStartWindow())));
    if (alert.getState() == AlertState.END) {
      long micros = Math.multiplyExact(alert.getTimestamp().getEpochSecond(), 1_000_000L);
      event.put("end_time", seconds(micros + alert.getTimestamp().getNano() / 1_000));
    } else {
      event.putNull("end_time");
    }
    event.put("score", alert.getContrast());
    event.put("top_score", alert.getPeakContrast());
    if (alert.getWhere() == null) {
      event.putNull("position");
    } else {
      ObjectNode position = event.putObject("position");
      position.put("u", alert.getWhere().getU());
      position.put("v", alert.getWhere().getV());
    }
    event.put("window", alert.getWindow());
    return event;
  }

  private static BigDecimal seconds(long micros) {
    return BigDecimal.valueOf(micros).movePointLeft(6).stripTrailingZeros();
  }
}
