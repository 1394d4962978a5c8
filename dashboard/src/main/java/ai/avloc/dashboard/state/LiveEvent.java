package ai.avloc.dashboard.state;

/**
 * A change the pages hear about at once.
 *
 * @param type the server-sent event name: localization, frame, status, forgotten, alert or rules
 * @param streamId the camera it concerns; null for rules
 * @param data what the event carries, serialized as JSON
 */
public record LiveEvent(String type, String streamId, Object data) {
  /** A camera that sent nothing for the forget span left the fleet; its tile goes. */
  public static final String FORGOTTEN = "forgotten";

  /**
   * Whether a newer event of the same type and camera makes this one worthless to a slow reader.
   * Alerts, rules and forgotten cameras are never replaced: each is a step a user must see.
   */
  public boolean replaceable() {
    return switch (type) {
      case "localization", "frame", "status" -> true;
      default -> false;
    };
  }
}
