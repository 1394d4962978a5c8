package ai.avloc.ingest.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraInventoryTest {

  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("cameras.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private List<String> errors(String yaml, Map<String, String> env) throws IOException {
    Path file = write(yaml);
    return assertThrows(InventoryException.class, () -> CameraInventory.parse(file, env)).errors();
  }

  @Test
  void parseShouldReadTheDocumentedExampleWithPasswordsFromEnvAndFile() throws IOException {
    Files.writeString(dir.resolve("hall.pass"), "s3cret\n");
    Path file =
        write(
            """
            cameras:
              - id: gate-1
                url: rtsp://10.0.0.5:554/stream1
                substream: rtsp://10.0.0.5:554/stream2
                transport: udp
                credentials: {user: admin, passwordEnv: GATE_PASS}
                enabled: true
                labels: {site: north, zone: gate}
              - id: hall-array
                url: alsa:hw:2
                credentials: {user: op, passwordFile: hall.pass}
                enabled: false
                array: {geometry: ReSpeaker4, channels: [1, 2, 3, 4]}
            """);

    List<CameraSpec> cameras = CameraInventory.parse(file, Map.of("GATE_PASS", "p@ss:w/rd"));

    assertEquals(2, cameras.size());
    CameraSpec gate = cameras.get(0);
    assertEquals("gate-1", gate.id());
    assertEquals("rtsp://10.0.0.5:554/stream1", gate.url());
    assertEquals("rtsp://10.0.0.5:554/stream2", gate.substream());
    assertEquals(CameraSpec.Transport.UDP, gate.transport());
    assertEquals("admin", gate.user());
    assertEquals("p@ss:w/rd", gate.password().reveal());
    assertTrue(gate.enabled());
    assertEquals(List.of("site", "zone"), List.copyOf(gate.labels().keySet()));
    assertEquals("north", gate.labels().get("site"));
    assertFalse(gate.isArray());
    assertFalse(gate.toString().contains("p@ss"), gate.toString());

    CameraSpec hall = cameras.get(1);
    assertNull(hall.substream());
    assertEquals(CameraSpec.Transport.TCP, hall.transport());
    assertEquals("s3cret", hall.password().reveal());
    assertFalse(hall.enabled());
    assertEquals("respeaker4", hall.array().geometryId());
    assertEquals(BuiltinArrays.respeaker4(), hall.array().geometry());
    assertEquals(List.of(1, 2, 3, 4), hall.array().channelMap());
  }

  @Test
  void anArrayWithoutAChannelMapShouldTakeChannelsInMicrophoneOrder() throws IOException {
    Path file = write("cameras:\n  - id: a\n    url: in.wav\n    array: {geometry: respeaker6}\n");

    assertEquals(
        List.of(0, 1, 2, 3, 4, 5),
        CameraInventory.parse(file, Map.of()).get(0).array().channelMap());
  }

  @Test
  void parseShouldReportEveryProblemOfTheFileWithItsLine() throws IOException {
    String yaml =
        """
        cameras:
          - id: gate-1
            url: rtsp://10.0.0.5/s
            transprt: tcp
          - id: gate-1
            url: rtsp://10.0.0.6/s
          - id: "bad\\nid"
            url: rtsp://10.0.0.7/s
          - id: no-url
          - id: arr
            url: alsa:hw:2
            array: {geometry: respeaker4, channels: [1, 2, 3]}
          - id: ring
            url: alsa:hw:3
            array: {geometry: ring32}
          - id: cred
            url: rtsp://10.0.0.8/s
            credentials: {user: admin, passwordEnv: NOT_SET_ANYWHERE}
          - id: udpx
            url: rtsp://10.0.0.9/s
            transport: quic
        """;

    List<String> errors = errors(yaml, Map.of());

    String f = dir.resolve("cameras.yaml") + ":";
    assertEquals(
        List.of(
            f
                + "4: camera 'gate-1': unknown key 'transprt' (known: id, url, substream, transport,"
                + " credentials, enabled, labels, array)",
            f + "5: duplicate id 'gate-1' (first on line 2)",
            f + "7: cameras[2]: bad id: stream id holds control character U+000A at 3",
            f + "9: camera 'no-url': missing url",
            f
                + "12: camera 'arr': channel map has 3 channels but geometry respeaker4 has 4"
                + " microphones",
            f
                + "15: camera 'ring': unknown geometry 'ring32': neither a built-in array"
                + " (dualcam128, vogel64, respeaker4, respeaker6, uma16) nor a .xml or .csv file",
            f + "18: camera 'cred': environment variable NOT_SET_ANYWHERE is not set",
            f + "21: camera 'udpx': transport 'quic' is neither tcp nor udp"),
        errors);
  }

  @Test
  void aPasswordInTheUrlShouldBeRejectedWithoutQuotingIt() throws IOException {
    List<String> errors =
        errors("cameras:\n  - id: a\n    url: rtsp://admin:hunter2@10.0.0.5/s\n", Map.of());
    // raw passwords with a '/' or an '@' in them are passwords too
    for (String url : List.of("rtsp://admin:pa/ss@cam/x", "rtsp://admin:1234/x@cam/live")) {
      List<String> more = errors("cameras:\n  - id: a\n    url: " + url + "\n", Map.of());
      assertEquals(1, more.size(), url);
      assertTrue(more.get(0).contains("url holds a password"), more.get(0));
      assertFalse(more.get(0).contains("pa/ss") || more.get(0).contains("1234"), more.get(0));
    }

    assertEquals(1, errors.size());
    assertTrue(
        errors
            .get(0)
            .endsWith(
                ":3: camera 'a': url holds a password (user:password@);"
                    + " give it under credentials with passwordEnv or passwordFile"),
        errors.get(0));
    assertFalse(errors.get(0).contains("hunter2"));
  }

  @Test
  void aMonoCameraShouldHaveAUrlALiveCameraReadsNamedOnItsLine() throws IOException {
    List<String> errors =
        errors(
            "cameras:\n  - id: a\n    url: srt://10.0.0.5:9000/live\n"
                + "  - id: b\n    url: rtsp://10.0.0.6/s\n    substream: 'v4l2:'\n"
                + "  - id: c\n    url: /recordings/gate.mp4\n",
            Map.of());

    assertEquals(2, errors.size(), errors.toString());
    assertTrue(
        errors
            .get(0)
            .endsWith(
                ":3: camera 'a': url: camera URL with scheme 'srt' is not supported: use rtsp,"
                    + " rtsps, rtmp, rtmps, http, https, file, v4l2 or alsa"),
        errors.get(0));
    assertTrue(
        errors.get(1).contains(":6: camera 'b': substream: camera URL v4l2:"), errors.get(1));
  }

  @Test
  void aGeometryFileShouldBeReadRelativeToTheInventory() throws IOException {
    Files.writeString(dir.resolve("tri.csv"), "x,y,z\n0,0,0\n0.1,0,0\n0,0.1,0\n");
    Path file =
        write(
            "cameras:\n  - id: a\n    url: in.wav\n    array: {geometry: tri.csv, channels: [2, 0, 1]}\n");

    ArraySpec array = CameraInventory.parse(file, Map.of()).get(0).array();

    assertEquals(3, array.geometry().size());
    assertEquals("tri", array.geometryId());
    assertEquals(List.of(2, 0, 1), array.channelMap());
  }

  @Test
  void channelMapEntriesShouldBeDistinctNonNegativeNumbers() throws IOException {
    List<String> errors =
        errors(
            "cameras:\n  - id: a\n    url: in.wav\n    array:\n      geometry: respeaker4\n"
                + "      channels: [1, -2, 1, x]\n",
            Map.of());

    assertEquals(3, errors.size(), errors.toString());
    assertTrue(
        errors
            .get(0)
            .endsWith(
                ":6: camera 'a': channels[1] must be a source channel number"
                    + " from 0, got '-2'"),
        errors.get(0));
    assertTrue(
        errors
            .get(1)
            .endsWith(":6: camera 'a': source channel 1 is mapped to microphones 0" + " and 2"),
        errors.get(1));
    assertTrue(
        errors
            .get(2)
            .endsWith(
                ":6: camera 'a': channels[3] must be a source channel number" + " from 0, got 'x'"),
        errors.get(2));
  }

  @Test
  void brokenYamlShouldNameTheLine() throws IOException {
    List<String> errors = errors("cameras:\n  - id: a\n    url: [unclosed\n", Map.of());

    assertEquals(1, errors.size());
    assertTrue(
        errors.get(0).startsWith(dir.resolve("cameras.yaml") + ":3: not valid YAML"),
        errors.get(0));
  }

  @Test
  void anEmptyCameraListIsAValidInventory() throws IOException {
    assertEquals(List.of(), CameraInventory.parse(write("cameras: []\n"), Map.of()));
  }
}
