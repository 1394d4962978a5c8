package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.simulator.Scene;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {
  static final Instant START = SceneCameraTest.START;

  /** A cheap scene: one tone, no noise, 1 s. */
  static final Scene TONE =
      Scene.parse(
          """
          {"duration": 1, "array": "vogel64",
           "sources": [{"signal": {"type": "tone", "frequency": 700, "amplitude": 0.2},
                        "direction": {"azimuth": 10, "elevation": 0}, "distance": 3}]}
          """,
          null);

  @TempDir Path dir;

  static SceneCamera camera(String id, Instant start, boolean loop) {
    return new SceneCamera(TONE, id, start, null, SceneCamera.Options.defaults().withLoop(loop));
  }

  static void assertInEventTimeOrder(List<CameraEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      assertTrue(
          events.get(i - 1).micros() <= events.get(i).micros(),
          "event " + i + " at " + events.get(i).micros() + " after " + events.get(i - 1).micros());
    }
  }

  @Test
  void shouldInterleaveCamerasByEventTime() throws Exception {
    MediaFileDecoderTest clip = new MediaFileDecoderTest();
    clip.dir = dir;
    MediaFileDecoderTest.Collected out = new MediaFileDecoderTest.Collected();
    List<Gateway.Progress> reports = new ArrayList<>();
    try (Gateway gateway =
        new Gateway(
            List.of(
                new SceneCamera(
                    SceneCameraTest.scene(SceneCameraTest.LEAVING),
                    "leaving",
                    START,
                    null,
                    SceneCamera.Options.defaults()),
                camera("tone", START.plusMillis(337), false),
                new MediaFileSource(
                    clip.recordTestClip(),
                    "clip",
                    START.plusMillis(100),
                    DecodeOptions.modelDefaults(),
                    false)),
            out,
            Gateway.Pace.MAX)) {
      gateway.onProgress(Duration.ZERO, reports::add);
      Gateway.Progress done = gateway.run();
      assertTrue(gateway.isFinished());
      assertEquals(out.events.size(), done.events());
      assertEquals(0, done.activeCameras());
      assertEquals(out.frames.size(), done.frames());
      assertEquals(2.0, done.mediaSeconds(), 0.1, "from the first event to the clip's end");
    }
    assertInEventTimeOrder(out.events);
    int switches = 0;
    for (int i = 1; i < out.events.size(); i++) {
      if (!out.events.get(i).streamId().equals(out.events.get(i - 1).streamId())) {
        switches++;
      }
    }
    assertTrue(switches > 50, "cameras interleave, not one after another: " + switches);
    for (String id : List.of("leaving", "tone", "clip")) {
      List<VideoFrame> frames =
          out.frames.stream().filter(f -> f.getStreamId().equals(id)).toList();
      List<AudioChunk> chunks =
          out.chunks.stream().filter(c -> c.getStreamId().equals(id)).toList();
      assertEquals(id.equals("tone") ? 12 : 24, frames.size(), id);
      for (int k = 0; k < frames.size(); k++) {
        assertEquals(k, frames.get(k).getSequence(), id);
      }
      for (int k = 0; k < chunks.size(); k++) {
        assertEquals(k, chunks.get(k).getSequence(), id);
      }
    }
    assertFalse(reports.isEmpty());
    assertEquals(out.events.size(), reports.get(reports.size() - 1).events());
  }

  @Test
  void shouldTakeRealTimeAt1xAndFarLessAtMax() throws Exception {
    MediaFileDecoderTest.Collected paced = new MediaFileDecoderTest.Collected();
    long t0 = System.nanoTime();
    Gateway.Progress real;
    try (Gateway gateway =
        new Gateway(List.of(camera("a", START, true)), paced, Gateway.Pace.parse("1x"))) {
      real = gateway.publish(Duration.ofSeconds(1));
    }
    double realSeconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(24, real.events(), "12 frames and 12 chunks in 1 s");
    assertTrue(realSeconds >= 0.9 && realSeconds < 3, "1x took " + realSeconds + " s");
    assertTrue(real.lagSeconds() < 0.5, "lag " + real.lagSeconds());

    MediaFileDecoderTest.Collected fast = new MediaFileDecoderTest.Collected();
    t0 = System.nanoTime();
    try (Gateway gateway =
        new Gateway(List.of(camera("a", START, true)), fast, Gateway.Pace.parse("max"))) {
      assertEquals(24, gateway.publish(Duration.ofSeconds(1)).events());
    }
    double maxSeconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(maxSeconds < realSeconds / 3, "max took " + maxSeconds + " s");
    assertEquals(paced.events, fast.events, "the same events either way");
  }

  @Test
  void shouldPublishInSuccessiveSpansWhatOneCallWould() throws Exception {
    MediaFileDecoderTest.Collected halves = new MediaFileDecoderTest.Collected();
    try (Gateway gateway =
        new Gateway(
            List.of(camera("a", START, true), camera("b", START.plusMillis(40), true)),
            halves,
            Gateway.Pace.MAX)) {
      gateway.publish(Duration.ofMillis(1500));
      gateway.publish(Duration.ofMillis(1500));
      assertFalse(gateway.isFinished(), "looping cameras never end");
    }
    MediaFileDecoderTest.Collected whole = new MediaFileDecoderTest.Collected();
    try (Gateway gateway =
        new Gateway(
            List.of(camera("a", START, true), camera("b", START.plusMillis(40), true)),
            whole,
            Gateway.Pace.MAX)) {
      gateway.publish(Duration.ofSeconds(3));
    }
    assertEquals(whole.events, halves.events);
    assertEquals(2 * 36 * 2, whole.events.size(), "3 s of two cameras");
    long last = whole.events.get(whole.events.size() - 1).micros();
    assertTrue(last < CameraEvent.epochMicros(START) + 3_000_000, "nothing at or past 3 s");
  }

  @Test
  void shouldStopAndBeInterruptible() throws Exception {
    for (boolean interrupt : new boolean[] {false, true}) {
      MediaFileDecoderTest.Collected out = new MediaFileDecoderTest.Collected();
      Gateway gateway = new Gateway(List.of(camera("a", START, true)), out, Gateway.Pace.REAL_TIME);
      AtomicReference<Gateway.Progress> result = new AtomicReference<>();
      AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
      Thread thread =
          new Thread(
              () -> {
                try {
                  result.set(gateway.run());
                  stillInterrupted.set(Thread.currentThread().isInterrupted());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      thread.start();
      Thread.sleep(400);
      long t0 = System.nanoTime();
      if (interrupt) {
        thread.interrupt();
      } else {
        gateway.stop();
      }
      thread.join(2000);
      assertFalse(thread.isAlive(), "run() returned");
      assertTrue((System.nanoTime() - t0) / 1e9 < 0.5, "promptly");
      gateway.close();
      assertTrue(gateway.isStopped());
      long published = result.get().events();
      assertTrue(published >= 6 && published <= 20, "about 0.4 s of events: " + published);
      assertEquals(out.events.size(), published);
      assertEquals(interrupt, stillInterrupted.get(), "the interrupt status is kept");
    }
  }

  @Test
  void shouldLoopAMediaFileWithTimestampsContinuing() throws Exception {
    MediaFileDecoderTest clip = new MediaFileDecoderTest();
    clip.dir = dir;
    Path file = clip.recordTestClip();
    MediaFileDecoderTest.Collected out = new MediaFileDecoderTest.Collected();
    MediaFileSource source =
        new MediaFileSource(file, "clip", START, DecodeOptions.modelDefaults(), true);
    try (Gateway gateway = new Gateway(List.of(source), out, Gateway.Pace.MAX)) {
      gateway.publish(Duration.ofMillis(5000));
    }
    assertTrue(source.passes() >= 3, "decoding reads ahead of publishing, so maybe into a 4th");
    assertInEventTimeOrder(out.events);
    assertEquals(24 + 24 + 12, out.frames.size(), "two 2 s passes and half of a third");
    long t0 = SceneCameraTest.micros(out.frames.get(0).getTimestamp());
    for (int k = 0; k < out.frames.size(); k++) {
      VideoFrame f = out.frames.get(k);
      assertEquals(k, f.getSequence(), "sequence numbers continue");
      long pass = k / 24;
      assertEquals(
          SceneCameraTest.micros(out.frames.get(k % 24).getTimestamp()) + pass * 2_000_000,
          SceneCameraTest.micros(f.getTimestamp()),
          "frame " + k + " repeats pass 0's frame 2 s per pass later");
    }
    assertTrue(t0 >= 0 && t0 < 100_000);
    for (int k = 1; k < out.chunks.size(); k++) {
      AudioChunk a = out.chunks.get(k - 1);
      AudioChunk b = out.chunks.get(k);
      assertEquals(k, b.getSequence());
      long gap =
          SceneCameraTest.micros(b.getTimestamp()) - SceneCameraTest.micros(a.getTimestamp());
      long length = Math.round(a.getPcm16().remaining() / 2 * 1e6 / 12_288);
      // a pass lasts as long as its video; audio a few samples shorter leaves a gap, never overlap
      assertTrue(
          gap >= length - 1 && gap <= length + 5000,
          "chunk " + k + " starts " + gap + " us after one of " + length + " us");
    }
    assertTrue(
        SceneCameraTest.micros(out.chunks.get(out.chunks.size() - 1).getTimestamp()) > 4_800_000);
  }

  @Test
  void shouldReadPacesAndRefuseOthers() {
    assertEquals(1, Gateway.Pace.parse("1x").speed());
    assertEquals(2.5, Gateway.Pace.parse("2.5X").speed());
    assertFalse(Gateway.Pace.parse("max").paced());
    assertThrows(IllegalArgumentException.class, () -> Gateway.Pace.parse("fast"));
    assertThrows(IllegalArgumentException.class, () -> Gateway.Pace.parse("0x"));
  }
}
