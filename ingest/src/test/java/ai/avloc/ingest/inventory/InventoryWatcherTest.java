package ai.avloc.ingest.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryWatcherTest {

  private static final Duration POLL = Duration.ofMillis(40);

  @TempDir Path dir;

  private final BlockingQueue<InventoryDiff> diffs = new LinkedBlockingQueue<>();
  private final BlockingQueue<InventoryException> rejections = new LinkedBlockingQueue<>();

  private final InventoryWatcher.Listener listener =
      new InventoryWatcher.Listener() {
        @Override
        public void changed(InventoryDiff diff) {
          diffs.add(diff);
        }

        @Override
        public void rejected(InventoryException errors) {
          rejections.add(errors);
        }
      };

  private static String camera(String id, String url) {
    return "  - id: " + id + "\n    url: " + url + "\n";
  }

  private static List<String> ids(List<CameraSpec> specs) {
    return specs.stream().map(CameraSpec::id).toList();
  }

  private Path file(String... cameras) throws IOException {
    Path file = dir.resolve("cameras.yaml");
    Files.writeString(file, "cameras:\n" + String.join("", cameras));
    return file;
  }

  @Test
  void addingOneCameraAndRemovingAnotherShouldGiveExactlyThatDiff() throws Exception {
    Path file = file(camera("a", "rtsp://h/a"), camera("b", "rtsp://h/b"));
    try (InventoryWatcher watcher =
        new InventoryWatcher(file, POLL, Map.of(), spec -> true, listener)) {
      assertEquals(List.of("a", "b"), ids(watcher.current()));
      watcher.start();

      file(camera("b", "rtsp://h/b"), camera("c", "rtsp://h/c"));

      InventoryDiff diff = diffs.poll(5, TimeUnit.SECONDS);
      assertNotNull(diff, "no diff within 5 s");
      assertEquals(List.of("c"), ids(diff.added()));
      assertEquals(List.of("a"), ids(diff.removed()));
      assertEquals(List.of(), diff.changed());
      assertEquals("rtsp://h/c", diff.added().get(0).url());
      assertEquals(List.of("b", "c"), ids(watcher.current()));
      assertNull(diffs.poll(10 * POLL.toMillis(), TimeUnit.MILLISECONDS), "a second diff");
    }
  }

  @Test
  void aChangedSpecUnderTheSameIdShouldComeOutAsChanged() throws Exception {
    Path file = file(camera("a", "rtsp://h/a"), camera("b", "rtsp://h/b"));
    try (InventoryWatcher watcher =
        new InventoryWatcher(file, POLL, Map.of(), spec -> true, listener)) {
      watcher.start();

      file(camera("a", "rtsp://h/a"), camera("b", "rtsp://h/b2"));

      InventoryDiff diff = diffs.poll(5, TimeUnit.SECONDS);
      assertNotNull(diff, "no diff within 5 s");
      assertEquals(List.of(), diff.added());
      assertEquals(List.of(), diff.removed());
      assertEquals(List.of("b"), ids(diff.changed()));
      assertEquals("rtsp://h/b2", diff.changed().get(0).url());
    }
  }

  @Test
  void anInvalidEditShouldKeepTheCamerasRunningReportOnceAndTheNextValidEditShouldApply()
      throws Exception {
    Path file = file(camera("a", "rtsp://h/a"), camera("b", "rtsp://h/b"));
    try (InventoryWatcher watcher =
        new InventoryWatcher(file, POLL, Map.of(), spec -> true, listener)) {
      watcher.start();

      file(camera("a", "rtsp://h/a"), camera("b", "rtsp://h/b"), "  - id: c\n    uri: x\n");

      InventoryException rejected = rejections.poll(5, TimeUnit.SECONDS);
      assertNotNull(rejected, "no rejection within 5 s");
      assertEquals(2, rejected.errors().size(), rejected.errors().toString());
      assertTrue(
          rejected
              .errors()
              .get(1)
              .endsWith(
                  ":7: camera 'c': unknown key 'uri' (known: id,"
                      + " url, substream, transport, credentials, enabled, labels, array)"));
      assertTrue(rejected.errors().get(0).endsWith(":6: camera 'c': missing url"));
      // the same bad file on later polls is not reported again, and nothing is applied
      assertNull(rejections.poll(10 * POLL.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(diffs.isEmpty());
      assertEquals(List.of("a", "b"), ids(watcher.current()));

      file(camera("b", "rtsp://h/b"), camera("c", "rtsp://h/c"));

      InventoryDiff diff = diffs.poll(5, TimeUnit.SECONDS);
      assertNotNull(diff, "no diff within 5 s");
      assertEquals(List.of("c"), ids(diff.added()));
      assertEquals(List.of("a"), ids(diff.removed()));
      assertEquals(List.of(), diff.changed());
    }
  }

  @Test
  void aCameraDisabledOrOnAnotherShardShouldNotRun() throws Exception {
    // of ShardTest's pinned ids, 2/3 owns gate-1, gate-2, hall-array and dock-7, 3/3 owns lobby
    Shard shard = Shard.parse("2/3");
    Path file =
        file(
            camera("gate-1", "rtsp://h/1"),
            camera("gate-2", "rtsp://h/2"),
            camera("lobby", "rtsp://h/l"));
    try (InventoryWatcher watcher =
        new InventoryWatcher(file, POLL, Map.of(), shard::runs, listener)) {
      assertEquals(List.of("gate-1", "gate-2"), ids(watcher.current()));
      watcher.start();

      file(
          camera("gate-1", "rtsp://h/1"),
          camera("gate-2", "rtsp://h/2") + "    enabled: false\n",
          camera("lobby", "rtsp://h/l2"),
          camera("hall-array", "alsa:hw:2"));

      InventoryDiff diff = diffs.poll(5, TimeUnit.SECONDS);
      assertNotNull(diff, "no diff within 5 s");
      assertEquals(List.of("hall-array"), ids(diff.added()));
      assertEquals(List.of("gate-2"), ids(diff.removed()));
      assertEquals(List.of(), diff.changed());
    }
  }

  @Test
  void anInvalidFileAtStartShouldFailTheGatewayWithItsErrors() throws IOException {
    Path file = file("  - id: a\n");

    InventoryException e =
        assertThrows(
            InventoryException.class,
            () -> new InventoryWatcher(file, POLL, Map.of(), spec -> true, listener));

    assertTrue(e.getMessage().endsWith(":2: camera 'a': missing url"), e.getMessage());
  }
}
