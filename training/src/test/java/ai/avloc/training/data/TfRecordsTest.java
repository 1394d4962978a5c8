package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfRecordsTest {
  @TempDir Path dir;

  static byte[] repeatedBytes() {
    byte[] b = new byte[768];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 256);
    }
    return b;
  }

  @Test
  void readsAFileWrittenByAnIndependentImplementation() throws IOException, URISyntaxException {
    Path golden = Path.of(getClass().getResource("/tfrecord/three-records.tfrecord.gz").toURI());
    List<byte[]> records = TfRecords.read(golden);
    assertEquals(3, records.size());
    assertEquals("avloc", new String(records.get(0), StandardCharsets.US_ASCII));
    assertEquals(0, records.get(1).length);
    assertArrayEquals(repeatedBytes(), records.get(2));
    byte[] avloc = "avloc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xa2fc16a3, TfRecords.maskedCrc(avloc, 0, avloc.length));
  }

  @Test
  void writesWhatItReadsPlainAndGzipped() throws IOException {
    List<byte[]> records = List.of(new byte[] {1, 2, 3}, new byte[0], repeatedBytes());
    for (boolean gzip : new boolean[] {false, true}) {
      Path file = dir.resolve("r" + gzip + ".tfrecord");
      TfRecords.write(file, records, gzip);
      List<byte[]> back = TfRecords.read(file);
      assertEquals(records.size(), back.size());
      for (int i = 0; i < records.size(); i++) {
        assertArrayEquals(records.get(i), back.get(i));
      }
    }
    // plain framing: 16 bytes per record around the data
    assertEquals(3 * 16 + 3 + 768, Files.size(dir.resolve("rfalse.tfrecord")));
  }

  @Test
  void damageIsFoundAndLocated() throws IOException {
    Path file = dir.resolve("d.tfrecord");
    TfRecords.write(file, List.of(new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7}), false);
    byte[] bytes = Files.readAllBytes(file);

    byte[] flipped = bytes.clone();
    flipped[19 + 12 + 1] ^= 1; // a data byte of record 1, which starts at byte 19
    Files.write(file, flipped);
    IOException data = assertThrows(IOException.class, () -> TfRecords.read(file));
    assertTrue(
        data.getMessage().contains("data checksum wrong at record 1 (byte 19)"), data.getMessage());

    byte[] badLength = bytes.clone();
    badLength[0] = 9;
    Files.write(file, badLength);
    IOException length = assertThrows(IOException.class, () -> TfRecords.read(file));
    assertTrue(
        length.getMessage().contains("length checksum wrong at record 0"), length.getMessage());

    Files.write(file, Arrays.copyOf(bytes, bytes.length - 2));
    IOException cut = assertThrows(IOException.class, () -> TfRecords.read(file));
    assertTrue(cut.getMessage().contains("truncated TFRecord 1"), cut.getMessage());
  }
}
