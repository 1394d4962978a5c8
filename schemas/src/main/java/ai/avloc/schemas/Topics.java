package ai.avloc.schemas;

/**
 * The one registry of avloc's topics, shared by gateways, the job, the alerts app and the
 * dashboard, so a name or a value type is defined once. Names take a configurable prefix (default
 * {@code avloc.}). {@code cameraStatus} is compacted: the latest health of each live camera.
 */
public record Topics(
    Topic<VideoFrame> frames,
    Topic<AudioChunk> audio,
    Topic<ArrayChunk> arrayAudio,
    Topic<Localization> localizations,
    Topic<AcousticImage> acousticImages,
    Topic<Alert> alerts,
    Topic<AlertRule> alertRules,
    Topic<DeadLetter> deadLetters,
    Topic<CameraStatus> cameraStatus) {

  public static final String DEFAULT_PREFIX = "avloc.";

  public static Topics withPrefix(String prefix) {
    if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]*")) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "' may hold only letters, digits, '.', '_' and '-'");
    }
    return new Topics(
        new Topic<>(prefix + "frames", new AvroSerde<>(VideoFrame.class)),
        new Topic<>(prefix + "audio", new AvroSerde<>(AudioChunk.class)),
        new Topic<>(prefix + "array-audio", new AvroSerde<>(ArrayChunk.class)),
        new Topic<>(prefix + "localizations", new AvroSerde<>(Localization.class)),
        new Topic<>(prefix + "acoustic-images", new AvroSerde<>(AcousticImage.class)),
        new Topic<>(prefix + "alerts", new AvroSerde<>(Alert.class)),
        new Topic<>(prefix + "alert-rules", new AvroSerde<>(AlertRule.class)),
        new Topic<>(prefix + "dead-letters", new AvroSerde<>(DeadLetter.class)),
        new Topic<>(prefix + "camera-status", new AvroSerde<>(CameraStatus.class)));
  }

  public static Topics defaults() {
    return withPrefix(DEFAULT_PREFIX);
  }
}
