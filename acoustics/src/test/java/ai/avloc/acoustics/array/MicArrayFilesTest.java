package ai.avloc.acoustics.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicArrayFilesTest {

  @TempDir Path dir;

  /**
   * Coordinates with long binary expansions, a tiny one and a large exponent: all must survive
   * exactly.
   */
  private static MicArray awkward() {
    return new MicArray(
        "awkward",
        new double[][] {
          {0.1, -0.2, 0.0},
          {1.0 / 3.0, Math.PI / 10, -Math.E / 1000},
          {-0.123456789012345678, 4.9e-7, 1e-300},
          {0.25 * Math.sqrt(2), -Math.nextUp(0.4), 0.0},
        });
  }

  private Path write(String fileName, String content) throws IOException {
    Path file = dir.resolve(fileName);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private IllegalArgumentException readFails(Path file) {
    return assertThrows(IllegalArgumentException.class, () -> MicArrayFiles.read(file));
  }

  @Test
  void shouldRoundTripXmlExactly() throws IOException {
    MicArray original = awkward();
    Path file = dir.resolve("awkward.xml");

    MicArrayFiles.writeXml(original, file);
    MicArray back = MicArrayFiles.read(file);

    assertEquals(original, back);
    assertArrayEquals(original.position(1), back.position(1), 0.0);
  }

  @Test
  void shouldWriteAcoularStyleXml() throws IOException {
    Path file = dir.resolve("two.xml");

    MicArrayFiles.writeXml(
        new MicArray("two", new double[][] {{0.4, -0.1, 0.0}, {-0.25, 0.5, 0.0}}), file);

    assertEquals(
        """
                <?xml version="1.0" encoding="utf-8"?>
                <MicArray name="two">
                  <pos Name="Point 1" x="0.4" y="-0.1" z="0.0"/>
                  <pos Name="Point 2" x="-0.25" y="0.5" z="0.0"/>
                </MicArray>
                """,
        Files.readString(file));
  }

  @Test
  void shouldRoundTripCsvExactly() throws IOException {
    MicArray original = awkward();
    Path file = dir.resolve("awkward.csv");

    MicArrayFiles.writeCsv(original, file);
    MicArray back = MicArrayFiles.read(file);

    assertEquals(original, back);
    assertTrue(Files.readString(file).startsWith("x,y,z\n"));
  }

  @Test
  void shouldReadHandWrittenAcoularXmlWithItsNameAttribute() throws IOException {
    Path file =
        write(
            "whatever.xml",
            """
                <?xml version="1.0" encoding="utf-8"?>
                <MicArray name="array_64">
                  <pos Name="Point 1 " x=" 0.4  " y="-0.1 " z="0 "/>
                  <pos Name="Point 2" x="-0.05" y="0.3" z="0"/>
                  <!-- Name is optional -->
                  <pos x="1.5e-1" y=".2" z="0.0"/>
                </MicArray>
                """);

    MicArray array = MicArrayFiles.read(file);

    assertEquals("array_64", array.name());
    assertEquals(3, array.size());
    assertArrayEquals(new double[] {0.4, -0.1, 0.0}, array.position(0), 0.0);
    assertArrayEquals(new double[] {-0.05, 0.3, 0.0}, array.position(1), 0.0);
    assertArrayEquals(new double[] {0.15, 0.2, 0.0}, array.position(2), 0.0);
  }

  @Test
  void shouldNameXmlArrayAfterTheFileWhenTheRootHasNoName() throws IOException {
    Path file =
        write(
            "ring_3.XML",
            """
                <MicArray>
                  <pos x="0.1" y="0" z="0"/><pos x="0" y="0.1" z="0"/><pos x="-0.1" y="0" z="0"/>
                </MicArray>
                """);

    MicArray array = MicArrayFiles.read(file);

    assertEquals("ring_3", array.name());
    assertEquals(3, array.size());
  }

  @Test
  void shouldNameThePosElementWithANonNumericCoordinate() throws IOException {
    Path file =
        write(
            "bad.xml",
            """
                <MicArray name="bad">
                  <pos x="0" y="0" z="0"/>
                  <pos x="0.1" y="0" z="0"/>
                  <pos x="0.2" y="abc" z="0"/>
                </MicArray>
                """);

    IllegalArgumentException e = readFails(file);

    assertTrue(
        e.getMessage().contains("pos element 3 (line 4): y is not a number: 'abc'"),
        e.getMessage());
  }

  @Test
  void shouldNameThePosElementWithAMissingCoordinate() throws IOException {
    Path file =
        write(
            "bad.xml",
            """
                <MicArray><pos x="0" y="0" z="0"/><pos x="0.1" y="0"/></MicArray>
                """);

    IllegalArgumentException e = readFails(file);

    assertTrue(
        e.getMessage().contains("pos element 2 (line 1): missing attribute z"), e.getMessage());
  }

  @Test
  void shouldRefuseXmlWithADoctypeSoNoEntityIsExpanded() throws IOException {
    Path secret = write("secret.txt", "0.3");
    Path file =
        write(
            "xxe.xml",
            "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE MicArray [<!ENTITY s SYSTEM \""
                + secret.toUri()
                + "\">]>\n"
                + "<MicArray><pos x=\"&s;\" y=\"0\" z=\"0\"/></MicArray>\n");

    IllegalArgumentException e = readFails(file);

    assertTrue(e.getMessage().contains("malformed XML at line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
  }

  @Test
  void shouldReportMalformedXmlWithItsLine() throws IOException {
    Path file = write("broken.xml", "<MicArray>\n  <pos x=\"0\" y=\"0\" z=\"0\">\n</MicArray>\n");

    IllegalArgumentException e = readFails(file);

    assertTrue(e.getMessage().startsWith(file + ": malformed XML at line 3"), e.getMessage());
  }

  @Test
  void shouldReadCsvWithHeaderAndComments() throws IOException {
    Path file =
        write(
            "lab.csv",
            """
                # measured 2024-05-01, metres
                x,y,z
                0.1,0.0,0.0

                # second ring
                -0.1, 0.05 ,0.0
                0.0,-0.2,1e-3
                """);

    MicArray array = MicArrayFiles.read(file);

    assertEquals("lab", array.name());
    assertEquals(3, array.size());
    assertArrayEquals(new double[] {-0.1, 0.05, 0.0}, array.position(1), 0.0);
    assertArrayEquals(new double[] {0.0, -0.2, 0.001}, array.position(2), 0.0);
  }

  @Test
  void shouldReadCsvWithoutHeader() throws IOException {
    Path file = write("plain.csv", "0.1,0.0,0.0\n-0.1,0.0,0.0\n");

    MicArray array = MicArrayFiles.read(file);

    assertEquals(2, array.size());
    assertEquals(0.2, array.aperture(), 1e-15);
  }

  @Test
  void shouldReadCsvWithNameColumnAndIgnoreTheNames() throws IOException {
    Path file = write("named.csv", "name,x,y,z\nM1,0.1,0.0,0.0\nM2,-0.1,0.3,0.0\n");

    MicArray array = MicArrayFiles.read(file);

    assertEquals(2, array.size());
    assertArrayEquals(new double[] {-0.1, 0.3, 0.0}, array.position(1), 0.0);
  }

  @Test
  void shouldNameTheCsvLineWithTheWrongColumnCount() throws IOException {
    Path file = write("short.csv", "# comment\nx,y,z\n0.1,0.0,0.0\n0.2,0.0\n");

    IllegalArgumentException e = readFails(file);

    assertEquals(file + ": line 4: expected 3 columns (x,y,z), found 2", e.getMessage());
  }

  @Test
  void shouldNameTheCsvLineWithANonNumericCell() throws IOException {
    Path file = write("text.csv", "0.1,0.0,0.0\n0.2,0.0,zero\n");

    IllegalArgumentException e = readFails(file);

    assertEquals(file + ": line 2: z is not a number: 'zero'", e.getMessage());
  }

  @Test
  void shouldRejectAnUnknownCsvHeader() throws IOException {
    Path file = write("header.csv", "\n# a\nu,v,w\n0,0,0\n");

    IllegalArgumentException e = readFails(file);

    assertTrue(
        e.getMessage().startsWith(file + ": line 3: expected a header 'x,y,z'"), e.getMessage());
  }

  @Test
  void shouldSayNoMicrophonesForEmptyFiles() throws IOException {
    Path emptyXml = write("empty.xml", "");
    Path emptyCsv = write("empty.csv", "");
    Path headerOnly = write("header_only.csv", "x,y,z\n# nothing yet\n");
    Path noPos = write("no_pos.xml", "<MicArray name=\"n\"/>");

    assertEquals(emptyXml + ": no microphones", readFails(emptyXml).getMessage());
    assertEquals(emptyCsv + ": no microphones", readFails(emptyCsv).getMessage());
    assertEquals(headerOnly + ": no microphones", readFails(headerOnly).getMessage());
    assertTrue(readFails(noPos).getMessage().startsWith(noPos + ": no microphones"));
  }

  @Test
  void shouldReportCoincidentMicrophonesWithTheFile() throws IOException {
    Path file = write("dup.csv", "x,y,z\n0,0,0\n0.1,0,0\n0,0,0\n");

    IllegalArgumentException e = readFails(file);

    assertTrue(
        e.getMessage().startsWith(file + ": array 'dup': microphones 0 and 2 coincide"),
        e.getMessage());
  }

  @Test
  void shouldRejectAnUnsupportedExtensionListingTheSupportedOnes() throws IOException {
    Path file = write("array.json", "[]");

    IllegalArgumentException e = readFails(file);

    assertEquals(
        file + ": unsupported geometry file extension '.json', supported: .xml, .csv",
        e.getMessage());
  }

  @Test
  void shouldPropagateAMissingFileAsIOException() {
    assertThrows(IOException.class, () -> MicArrayFiles.read(dir.resolve("missing.xml")));
  }
}
