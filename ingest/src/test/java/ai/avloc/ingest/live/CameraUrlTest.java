package ai.avloc.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CameraUrlTest {
  static final String SECRET = "s3cr%t:p@ss";

  @Test
  void shouldKeepCredentialsOutOfTheRedactedFormAndToString() {
    CameraUrl url = CameraUrl.parse("rtsp://admin:s3cr%25t%3Ap%40ss@10.0.0.7:554/Streaming/101");
    assertEquals(CameraUrl.Kind.RTSP, url.kind());
    assertEquals("10.0.0.7", url.host());
    assertEquals(554, url.port());
    assertEquals("rtsp://***@10.0.0.7:554/Streaming/101", url.redacted());
    assertEquals(url.redacted(), url.toString());
    assertFalse(url.redacted().contains("admin"));
    // FFmpeg alone gets them back, encoded
    assertEquals("rtsp://admin:s3cr%25t%3Ap%40ss@10.0.0.7:554/Streaming/101", url.ffmpegInput());
  }

  @Test
  void shouldTakeCredentialsGivenApartAndRedactMessagesQuotingThem() {
    CameraUrl url =
        CameraUrl.parse("rtsps://cam.example:322/live?channel=1&password=qs-secret")
            .withCredentials("viewer", SECRET);
    assertTrue(url.hasCredentials());
    assertEquals("rtsps://***@cam.example:322/live?channel=1&password=***", url.redacted());
    String ffmpegError =
        "avformat_open_input() error -111: Could not open input \""
            + url.ffmpegInput()
            + "\". password was "
            + SECRET;
    String redacted = url.redact(ffmpegError);
    assertFalse(redacted.contains("s3cr"), redacted);
    assertFalse(redacted.contains("qs-secret"), redacted);
    assertTrue(redacted.contains(url.redacted()), redacted);
  }

  @Test
  void shouldParseEveryKindOfCamera() {
    assertEquals(
        "rtmp://media.local/app/key", CameraUrl.parse("rtmp://media.local/app/key").redacted());
    assertEquals(-1, CameraUrl.parse("https://h/x.m3u8").port());
    assertEquals(CameraUrl.Kind.HTTP, CameraUrl.parse("HTTP://[::1]:8080/mjpeg").kind());
    assertEquals("[::1]", CameraUrl.parse("http://[::1]:8080/mjpeg").host());
    CameraUrl dev = CameraUrl.parse("v4l2:/dev/video0");
    assertEquals("/dev/video0", dev.ffmpegInput());
    assertEquals("v4l2", dev.ffmpegFormat());
    assertFalse(dev.isNetwork());
    assertEquals("hw:1", CameraUrl.parse("alsa:hw:1").device());
    assertEquals("alsa", CameraUrl.parse("alsa:hw:1").ffmpegFormat());
    assertEquals("/data/cam.mp4", CameraUrl.parse("file:///data/cam.mp4").device());
    assertEquals("/data/cam.mp4", CameraUrl.parse("file:/data/cam.mp4").ffmpegInput());
    assertNull(CameraUrl.parse("file:/data/cam.mp4").ffmpegFormat());
  }

  @Test
  void shouldRejectBadUrlsWithoutQuotingTheirSecrets() {
    var noHost =
        assertThrows(
            IllegalArgumentException.class, () -> CameraUrl.parse("rtsp://u:topsecret@/x"));
    assertFalse(noHost.getMessage().contains("topsecret"), noHost.getMessage());
    assertTrue(noHost.getMessage().contains("rtsp://***@"), noHost.getMessage());
    var badPort =
        assertThrows(
            IllegalArgumentException.class, () -> CameraUrl.parse("rtsp://u:topsecret@h:99999/x"));
    assertFalse(badPort.getMessage().contains("topsecret"), badPort.getMessage());
    var scheme =
        assertThrows(
            IllegalArgumentException.class, () -> CameraUrl.parse("srt://u:topsecret@h:9000"));
    assertFalse(scheme.getMessage().contains("topsecret"), scheme.getMessage());
    assertTrue(scheme.getMessage().contains("'srt'"), scheme.getMessage());
    // a raw password holding '/' or '@' is not read as the host, shown in every message
    CameraUrl slash = CameraUrl.parse("rtsp://admin:1234/x@cam/live");
    assertEquals("cam", slash.host());
    assertEquals("rtsp://***@cam/live", slash.redacted());
    assertEquals("cam", CameraUrl.parse("rtsp://admin:p@ss/w@cam:554/s").host());
    assertEquals("rtsp://cam:554/live", CameraUrl.parse("rtsp://cam:554/live").redacted());
    // logs show a sound server as written, and nothing that might hide a password
    assertEquals("pulse:default", CameraUrl.shown("pulse:default"));
    assertEquals("(an input that is not a camera URL)", CameraUrl.shown("srt://u:pw@h"));
    assertThrows(IllegalArgumentException.class, () -> CameraUrl.parse("v4l2:"));
    assertThrows(
        IllegalArgumentException.class,
        () -> CameraUrl.parse("v4l2:/dev/video0").withCredentials("u", "p"));
  }

  @Test
  void shouldNameAStreamAfterWhereTheCameraIsAndNeverAfterItsCredentials() {
    assertEquals(
        "10.0.0.5-554-stream1", CameraUrl.parse("rtsp://10.0.0.5:554/stream1").defaultStreamId());
    String id =
        CameraUrl.parse("rtsp://admin:" + "hunter2" + "@cam.site:8554/live/main").defaultStreamId();
    assertEquals("cam.site-8554-live-main", id);
    assertEquals("dev-video0", CameraUrl.parse("v4l2:/dev/video0").defaultStreamId());
  }
}
