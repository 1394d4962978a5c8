package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.testsupport.RealData;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real 30 s parking-lot clip: H.264 at 12.5 fps, stereo AAC 48 kHz of digital silence. */
@Tag("real-data")
class CarClipTest {
  @Test
  void shouldDecodeTheRealClipToTwelveFramesPerSecondAndSilentAudio() throws Exception {
    MediaFileDecoderTest.Collected events = new MediaFileDecoderTest.Collected();
    MediaFileDecoder.Summary summary =
        new MediaFileDecoder(DecodeOptions.modelDefaults())
            .decode(
                RealData.file("car-detection.mp4"), "parking", MediaFileDecoderTest.WALL, events);
    assertEquals(12.5, summary.sourceFps(), 0.01);
    assertEquals(30, summary.mediaSeconds(), 0.2);
    // 12.5 fps sampled into 1/12 s slots: one frame per slot, 12 per second
    assertEquals(360, events.frames.size(), 2);
    Set<Long> slots = new HashSet<>();
    for (var f : events.frames) {
      long micros = ChronoUnit.MICROS.between(MediaFileDecoderTest.WALL, f.getTimestamp());
      assertTrue(
          slots.add(Math.floorDiv(micros * 12, 1_000_000)),
          "two frames in one 1/12 s slot at " + micros);
    }
    short[] pcm = events.allSamples();
    assertEquals(30 * 12_288, pcm.length, 2048);
    double sum = 0;
    for (short s : pcm) {
      sum += (double) s * s;
    }
    double dbfs = 10 * Math.log10(sum / pcm.length / (32768.0 * 32768.0) + 1e-30);
    assertTrue(dbfs < -80, "the clip's audio is digital silence, measured " + dbfs + " dBFS");
  }
}
