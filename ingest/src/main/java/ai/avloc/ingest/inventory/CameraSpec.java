package ai.avloc.ingest.inventory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One camera of {@code cameras.yaml}, validated, with its password resolved. Equal specs mean the
 * running camera can stay as it is; any difference (URL, credentials, channel map, labels...) is a
 * change that restarts it. Where in the file the camera was written does not count.
 *
 * @param id the stream id: the Kafka key of everything the camera publishes
 * @param url where the camera is read: an RTSP/RTMP/HTTP(S) URL, a device ({@code alsa:hw:2},
 *     {@code v4l2:/dev/video0}) or a file path, as FFmpeg takes it; never holds a password
 * @param substream a lower-resolution URL of the same camera for detection, or null
 * @param transport RTSP over TCP (default) or UDP
 * @param user the user name, or null without credentials
 * @param password the resolved password, or null without credentials
 * @param enabled false keeps the camera in the file but not running
 * @param labels free key/value labels (site, zone...), in file order
 * @param array the microphone array and channel map, or null for a mono camera
 */
public record CameraSpec(
    String id,
    String url,
    String substream,
    Transport transport,
    String user,
    Secret password,
    boolean enabled,
    Map<String, String> labels,
    ArraySpec array) {

  /** How RTSP media travels; other schemes ignore it. */
  public enum Transport {
    TCP,
    UDP
  }

  public CameraSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(transport, "transport");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /** Whether the camera's audio is a microphone array rather than mono. */
  public boolean isArray() {
    return array != null;
  }
}
