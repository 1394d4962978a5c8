package ai.avloc.inference.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.FeatureList;
import org.tensorflow.proto.SequenceExample;

class AudioVisualSecondTest {
  @TempDir Path dir;

  static AudioVisualSecond second(long seed) {
    Random r = new Random(seed);
    float[] images = new float[12 * 36 * 48 * 12];
    for (int i = 0; i < images.length; i++) {
      images[i] = r.nextFloat() * 1000 - 500;
    }
    int[] audio = new int[12 * 1024];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = r.nextInt(65536) - 32768;
    }
    byte[] frames = new byte[12 * 224 * 298 * 3];
    r.nextBytes(frames);
    return new AudioVisualSecond(Map.of("classes", 3L, "location", 17L), images, audio, frames);
  }

  @Test
  void aSecondSurvivesAGzipTfRecordFile() throws IOException {
    AudioVisualSecond a = second(1);
    AudioVisualSecond b = second(2);
    Path file = dir.resolve("Data_001.tfrecord");
    TfRecords.write(file, List.of(a.toBytes(), b.toBytes()), true);
    List<byte[]> records = TfRecords.read(file);
    assertEquals(2, records.size());
    AudioVisualSecond back = AudioVisualSecond.parse(records.get(0));
    assertEquals(Map.of("classes", 3L, "location", 17L), back.labels());
    assertArrayEquals(a.acousticImages(), back.acousticImages());
    assertArrayEquals(a.audio(), back.audio());
    assertArrayEquals(a.frames(), back.frames());
    assertArrayEquals(b.audio(), AudioVisualSecond.parse(records.get(1)).audio());
  }

  @Test
  void theLayoutsSizeKeysAndEntryCountsAreChecked() throws Exception {
    SequenceExample ok = SequenceExample.parseFrom(second(3).toBytes());
    assertEquals(
        224L, ok.getContext().getFeatureMap().get("video/height").getInt64List().getValue(0));

    SequenceExample wrongSize =
        ok.toBuilder()
            .setContext(
                ok.getContext().toBuilder()
                    .putFeature(
                        "audio_data/samples",
                        org.tensorflow.proto.Feature.newBuilder()
                            .setInt64List(
                                org.tensorflow.proto.Int64List.newBuilder().addValue(2048))
                            .build()))
            .build();
    var size =
        assertThrows(
            IllegalArgumentException.class, () -> AudioVisualSecond.parse(wrongSize.toByteArray()));
    assertTrue(size.getMessage().contains("audio_data/samples is 2048"), size.getMessage());

    FeatureList eleven =
        ok.getFeatureLists().getFeatureListMap().get("audio/data").toBuilder()
            .removeFeature(11)
            .build();
    SequenceExample short1 =
        ok.toBuilder()
            .setFeatureLists(ok.getFeatureLists().toBuilder().putFeatureList("audio/data", eleven))
            .build();
    var count =
        assertThrows(
            IllegalArgumentException.class, () -> AudioVisualSecond.parse(short1.toByteArray()));
    assertTrue(count.getMessage().contains("audio/data has 11 entries"), count.getMessage());

    var garbage =
        assertThrows(
            IllegalArgumentException.class, () -> AudioVisualSecond.parse(new byte[] {9, 9, 9}));
    assertTrue(garbage.getMessage().startsWith("not a SequenceExample"), garbage.getMessage());
  }
}
