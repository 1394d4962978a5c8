package ai.avloc.acoustics.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @TempDir Path dir;

  private static NpyArray randomArray(long seed, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    Random rnd = new Random(seed);
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) rnd.nextGaussian() * 100f;
    }
    if (n > 2) {
      data[0] = Float.NaN;
      data[1] = Float.NEGATIVE_INFINITY;
      data[2] = -0.0f;
    }
    return new NpyArray(shape, data);
  }

  /** Hand-built .npy bytes: version 1.0 prefix, given header text, raw payload. */
  private static byte[] npyBytes(String header, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.write(1);
    out.write(0);
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    out.write(h.length & 0xFF);
    out.write((h.length >> 8) & 0xFF);
    out.writeBytes(h);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] floatsLe(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void roundTripsShapesExactly() throws IOException {
    int[][] shapes = {{5}, {36, 48}, {2, 36, 48, 12}};
    for (int[] shape : shapes) {
      NpyArray a = randomArray(shape.length, shape);
      Path f = dir.resolve("a" + shape.length + ".npy");
      Npy.write(f, a);
      NpyArray b = Npy.read(f);
      assertArrayEquals(shape, b.shape(), Arrays.toString(shape));
      float[] x = a.data();
      float[] y = b.data();
      assertEquals(x.length, y.length);
      for (int i = 0; i < x.length; i++) {
        assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "value " + i);
      }
      assertEquals(a, b);
    }
  }

  @Test
  void headerIsAlignedAndEndsInNewline() throws IOException {
    for (int[] shape : new int[][] {{5}, {36, 48}, {2, 36, 48, 12}, {}}) {
      NpyArray a = randomArray(7, shape);
      Path f = dir.resolve("h.npy");
      Npy.write(f, a);
      byte[] bytes = Files.readAllBytes(f);
      assertEquals((byte) 0x93, bytes[0]);
      assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
      assertEquals(1, bytes[6]);
      assertEquals(0, bytes[7]);
      int headerLen = (bytes[8] & 0xFF) | ((bytes[9] & 0xFF) << 8);
      int total = 10 + headerLen;
      assertEquals(0, total % 64, "prefix + header length " + total);
      assertEquals('\n', bytes[total - 1]);
      assertEquals(total + 4L * a.size(), bytes.length);
      String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
      assertTrue(header.contains("'descr': '<f4'"), header);
      assertTrue(header.contains("'fortran_order': False"), header);
    }
  }

  @Test
  void oneDimensionalShapeIsWrittenAsOneTuple() throws IOException {
    Path f = dir.resolve("v.npy");
    Npy.write(f, new NpyArray(new int[] {5}, new float[5]));
    String header = new String(Files.readAllBytes(f), 10, 54, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'shape': (5,)"), header);
  }

  @Test
  void readsFloat64() throws IOException {
    double[] data = new double[3 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.25 - 1.0 + 1e-12;
    }
    Path f = dir.resolve("d.npy");
    Npy.writeFloat64(f, new int[] {3, 4}, data);
    byte[] bytes = Files.readAllBytes(f);
    assertTrue(new String(bytes, 10, 54, StandardCharsets.US_ASCII).contains("'<f8'"));
    assertEquals(0, (bytes.length - 8 * data.length) % 64);
    NpyArray a = Npy.read(f);
    assertArrayEquals(new int[] {3, 4}, a.shape());
    float[] got = a.data();
    for (int i = 0; i < data.length; i++) {
      assertEquals((float) data[i], got[i], 0f);
    }
  }

  @Test
  void readsBigEndianFloat32WithLooseHeader() throws IOException {
    // Keys out of order, no spaces, trailing comma, double quotes: all legal Python.
    String header = "{\"shape\":(2,3),'fortran_order':False,'descr':'>f4',}";
    StringBuilder padded = new StringBuilder(header);
    while ((10 + padded.length() + 1) % 64 != 0) {
      padded.append(' ');
    }
    padded.append('\n');
    float[] values = {1.5f, -2f, 3.25f, 0f, 1e-7f, 6.02e23f};
    ByteBuffer be = ByteBuffer.allocate(values.length * 4).order(ByteOrder.BIG_ENDIAN);
    for (float v : values) {
      be.putFloat(v);
    }
    Path f = dir.resolve("be.npy");
    Files.write(f, npyBytes(padded.toString(), be.array()));
    NpyArray a = Npy.read(f);
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(values, a.data());
  }

  @Test
  void readsVersion2Header() throws IOException {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    StringBuilder padded = new StringBuilder(header);
    while ((12 + padded.length() + 1) % 64 != 0) {
      padded.append(' ');
    }
    padded.append('\n');
    byte[] h = padded.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(12 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 2).put((byte) 0);
    b.putInt(h.length).put(h).putFloat(1f).putFloat(2f).putFloat(3f);
    Path f = dir.resolve("v2.npy");
    Files.write(f, b.array());
    assertEquals(new NpyArray(new int[] {3}, new float[] {1f, 2f, 3f}), Npy.read(f));
  }

  private String failure(String name, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, content);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void rejectsBadMagic() throws IOException {
    String msg = failure("magic.npy", "PK\3\4 this is a zip".getBytes(StandardCharsets.US_ASCII));
    assertTrue(msg.endsWith(": not a .npy file (bad magic)"), msg);
    String empty = failure("empty.npy", new byte[0]);
    assertTrue(empty.contains("bad magic"), empty);
  }

  @Test
  void rejectsIntegerDtype() throws IOException {
    String msg =
        failure(
            "int.npy",
            npyBytes(
                "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n", floatsLe(0f, 0f)));
    assertTrue(msg.endsWith(": dtype '<i4' not supported, expected float32 or float64"), msg);
  }

  @Test
  void rejectsFortranOrder() throws IOException {
    String msg =
        failure(
            "fortran.npy",
            npyBytes(
                "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n",
                floatsLe(1, 2, 3, 4)));
    assertTrue(msg.endsWith(": Fortran order not supported"), msg);
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    Path full = dir.resolve("full.npy");
    Npy.write(full, randomArray(3, 12, 12, 12));
    byte[] bytes = Files.readAllBytes(full);
    int headerEnd = bytes.length - 4 * 1728;
    byte[] cut = Arrays.copyOf(bytes, headerEnd + 4 * 1000 + 2);
    String msg = failure("cut.npy", cut);
    assertTrue(msg.endsWith(": truncated: header says 1728 values, file holds 1000"), msg);
  }

  @Test
  void rejectsMalformedHeader() throws IOException {
    String msg =
        failure("broken.npy", npyBytes("{'descr': '<f4', 'shape': (2,\n", floatsLe(0f, 0f)));
    assertTrue(msg.contains("malformed header"), msg);
    String missing =
        failure("nokey.npy", npyBytes("{'descr': '<f4', 'shape': (2,)}\n", floatsLe(0f, 0f)));
    assertTrue(missing.contains("fortran_order"), missing);
  }

  @Test
  void arrayValidatesAndCopies() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new NpyArray(new int[] {3, 4}, new float[11]));
    assertTrue(e.getMessage().contains("12") && e.getMessage().contains("11"), e.getMessage());

    int[] shape = {2, 2};
    float[] data = {1, 2, 3, 4};
    NpyArray a = new NpyArray(shape, data);
    shape[0] = 9;
    data[0] = 9;
    a.shape()[1] = 7;
    a.data()[1] = 7;
    assertArrayEquals(new int[] {2, 2}, a.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, a.data());
    assertEquals(2, a.rank());
    assertEquals(2, a.dim(1));
    assertEquals(new NpyArray(new int[] {2, 2}, new float[] {1, 2, 3, 4}), a);
    assertEquals(new NpyArray(new int[] {2, 2}, new float[] {1, 2, 3, 4}).hashCode(), a.hashCode());
    assertNotEquals(new NpyArray(new int[] {4}, new float[] {1, 2, 3, 4}), a);
  }
}
