package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.simulator.Backdrop;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backdrops from photographs: three PNGs of colours the procedural backdrops never draw (solid
 * magenta, solid cyan, a red ramp over blue 128 with no green), a manifest, and a three-scene
 * dataset drawn on them.
 */
class PhotoBackdropsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path photosDir;
  static PhotoBackdrops photos;
  static SyntheticDataset.Config config;
  static Path out;

  @BeforeAll
  static void generate() throws Exception {
    photosDir = dir.resolve("photos");
    writePhotos(photosDir);
    Files.writeString(
        photosDir.resolve(PhotoBackdrops.MANIFEST),
        """
        {"photos": [
          {"file": "magenta.png", "licence": "CC0-1.0", "source": "test", "author": "A"},
          {"file": "cyan.png", "licence": "CC-BY-4.0", "source": "test", "author": "B"},
          {"file": "ramp.png", "licence": "GPL-2+"}
        ]}
        """);
    photos = PhotoBackdrops.load(photosDir);
    config = SyntheticDataset.Config.defaults(3, 7).withSecondsPerScene(1).withThreads(2);
    out = dir.resolve("synth");
    new SyntheticDataset(config, photos).generate(out, null);
  }

  static void writePhotos(Path folder) throws Exception {
    Files.createDirectories(folder);
    ImageIO.write(solid(255, 0, 255), "png", folder.resolve("magenta.png").toFile());
    ImageIO.write(solid(0, 255, 255), "png", folder.resolve("cyan.png").toFile());
    BufferedImage ramp = new BufferedImage(600, 450, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 450; y++) {
      for (int x = 0; x < 600; x++) {
        ramp.setRGB(x, y, (x * 255 / 599) << 16 | 128);
      }
    }
    ImageIO.write(ramp, "png", folder.resolve("ramp.png").toFile());
  }

  static BufferedImage solid(int r, int g, int b) {
    BufferedImage image = new BufferedImage(600, 450, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 450; y++) {
      for (int x = 0; x < 600; x++) {
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  /** Whether a BGR pixel is one of the photograph's colours. */
  static boolean fromPhoto(String photo, int b, int g, int r) {
    return switch (photo) {
      case "magenta.png" -> r == 255 && g == 0 && b == 255;
      case "cyan.png" -> r == 0 && g == 255 && b == 255;
      case "ramp.png" -> g == 0 && b == 128;
      default -> throw new AssertionError(photo);
    };
  }

  @Test
  void everyFramesBackgroundIsItsScenesPhotograph() throws Exception {
    int seconds = 0;
    for (String split : SyntheticDataset.SPLITS) {
      for (String path : Files.readAllLines(out.resolve("lists").resolve(split + ".txt"))) {
        Matcher m = SyntheticDatasetTest.PATH.matcher(path);
        assertTrue(m.matches(), path);
        int scene = Integer.parseInt(m.group(2));
        String photo =
            SyntheticScene.compose(config, scene, photos).backdrop().photoName().orElseThrow();
        byte[] frames = AudioVisualSecond.parse(TfRecords.read(out.resolve(path)).get(0)).frames();
        int size = ModelShapes.FRAME_WIDTH * ModelShapes.FRAME_HEIGHT * 3;
        for (int e = 0; e < AudioVisualSecond.ENTRIES; e++) {
          int matching = 0;
          for (int p = e * size; p < (e + 1) * size; p += 3) {
            if (fromPhoto(photo, frames[p] & 0xff, frames[p + 1] & 0xff, frames[p + 2] & 0xff)) {
              matching++;
            }
          }
          double share = matching / (size / 3.0);
          assertTrue(share > 0.5, path + " frame " + e + ": " + share + " of " + photo);
        }
        seconds++;
      }
    }
    assertEquals(3, seconds);
  }

  @Test
  void theCardAndReadmeListEveryPhotographUsedWithItsLicence() throws Exception {
    JsonNode card = JSON.readTree(out.resolve("dataset.json").toFile());
    JsonNode backdrops = card.get("backdrops");
    assertEquals("photographs", backdrops.get("kind").asText());
    assertEquals(photosDir.toAbsolutePath().toString(), backdrops.get("origin").asText());
    assertEquals(3, backdrops.get("photographs_available").asInt());
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      String name = SyntheticScene.compose(config, i, photos).backdrop().photoName().orElseThrow();
      expected.merge(name, 1, Integer::sum);
    }
    Map<String, String> licences =
        Map.of("magenta.png", "CC0-1.0", "cyan.png", "CC-BY-4.0", "ramp.png", "GPL-2+");
    String readme = Files.readString(out.resolve("README.md"));
    Map<String, Integer> listed = new HashMap<>();
    for (JsonNode p : backdrops.get("photographs")) {
      String file = p.get("file").asText();
      listed.put(file, p.get("scenes").asInt());
      assertEquals(licences.get(file), p.get("licence").asText(), file);
      assertTrue(readme.contains("| " + file + " | " + licences.get(file) + " |"), readme);
    }
    assertEquals(expected, listed);
  }

  @Test
  void aPhotographChangesOnlyTheBackdropAndTheSameSeedPicksTheSameCrop() {
    int[] picked = new int[3];
    List<String> names = List.of("magenta.png", "cyan.png", "ramp.png");
    for (int i = 0; i < 30; i++) {
      SyntheticScene drawn = SyntheticScene.compose(config, i);
      SyntheticScene photo = SyntheticScene.compose(config, i, photos);
      SyntheticScene again = SyntheticScene.compose(config, i, photos);
      assertEquals(drawn.objects().size(), photo.objects().size());
      assertEquals(drawn.label(), photo.label());
      assertEquals(drawn.diffuseSnrDb(), photo.diffuseSnrDb());
      assertEquals(drawn.scene().seed(), photo.scene().seed());
      assertTrue(drawn.backdrop().photoName().isEmpty());
      String name = photo.backdrop().photoName().orElseThrow();
      assertEquals(name, again.backdrop().photoName().orElseThrow());
      assertArrayEquals(pixels(photo.backdrop()), pixels(again.backdrop()), "scene " + i);
      picked[names.indexOf(name)]++;
    }
    for (int count : picked) {
      assertTrue(count >= 4, "every photograph is used: " + java.util.Arrays.toString(picked));
    }
    assertNotEquals(
        HexFormat.of().formatHex(pixels(photos.pick(new Random(1)))),
        HexFormat.of().formatHex(pixels(photos.pick(new Random(2)))),
        "another seed, another crop");
  }

  @Test
  void aCropOfTheRampKeepsItsLeftToRightGradient() {
    for (int seed = 0; seed < 20; seed++) {
      Random r = new Random(seed);
      Backdrop b;
      do {
        b = photos.pick(r);
      } while (!b.photoName().orElseThrow().equals("ramp.png"));
      byte[] bgr = pixels(b);
      int w = ModelShapes.FRAME_WIDTH;
      for (int y : new int[] {0, ModelShapes.FRAME_HEIGHT / 2, ModelShapes.FRAME_HEIGHT - 1}) {
        int previous = -1;
        for (int x = 0; x < w; x++) {
          int p = 3 * (y * w + x);
          assertEquals(128, bgr[p] & 0xff);
          assertEquals(0, bgr[p + 1] & 0xff);
          int red = bgr[p + 2] & 0xff;
          assertTrue(red >= previous, "red grows to the right");
          previous = red;
        }
        int span = (bgr[3 * (y * w + w - 1) + 2] & 0xff) - (bgr[3 * (y * w) + 2] & 0xff);
        // a crop shows at least half the photograph's width: at least half the ramp's 255
        assertTrue(span >= 120, "red span " + span);
      }
    }
  }

  @Test
  void aPhotographWithoutALicenceOrAFolderWithoutPhotographsIsRefused() throws Exception {
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    Files.writeString(empty.resolve("notes.txt"), "no pictures");
    assertMessage(empty, "holds no photograph");

    Path noManifest = dir.resolve("no-manifest");
    writePhotos(noManifest);
    assertMessage(noManifest, "has no backdrops.json");

    Path unlisted = dir.resolve("unlisted");
    writePhotos(unlisted);
    Files.writeString(
        unlisted.resolve(PhotoBackdrops.MANIFEST),
        "{\"photos\": [{\"file\": \"magenta.png\", \"licence\": \"CC0-1.0\"},"
            + " {\"file\": \"cyan.png\", \"licence\": \"CC0-1.0\"}]}");
    assertMessage(unlisted, "ramp.png has no licence");

    Path blank = dir.resolve("blank");
    writePhotos(blank);
    Files.writeString(
        blank.resolve(PhotoBackdrops.MANIFEST),
        "{\"photos\": [{\"file\": \"magenta.png\", \"licence\": \"CC0-1.0\"},"
            + " {\"file\": \"cyan.png\", \"licence\": \" \"},"
            + " {\"file\": \"ramp.png\", \"licence\": \"CC0-1.0\"}]}");
    assertMessage(blank, "cyan.png has no licence");

    Path missing = dir.resolve("missing");
    writePhotos(missing);
    Files.writeString(
        missing.resolve(PhotoBackdrops.MANIFEST),
        "{\"photos\": [{\"file\": \"magenta.png\", \"licence\": \"x\"},"
            + " {\"file\": \"cyan.png\", \"licence\": \"x\"},"
            + " {\"file\": \"ramp.png\", \"licence\": \"x\"},"
            + " {\"file\": \"gone.jpg\", \"licence\": \"x\"}]}");
    assertMessage(missing, "lists gone.jpg, which is not a photograph");

    Path broken = dir.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("broken.png"), "not a png");
    Files.writeString(
        broken.resolve(PhotoBackdrops.MANIFEST),
        "{\"photos\": [{\"file\": \"broken.png\", \"licence\": \"CC0-1.0\"}]}");
    assertMessage(broken, "cannot be read as an image");
  }

  @Test
  void debianUsesTheInstalledPackagesPhotographsWithTheirLicences() throws Exception {
    Path root = dir.resolve("root");
    Path meadow = root.resolve("usr/share/backgrounds/mate/nature/GreenMeadow.jpg");
    Files.createDirectories(meadow.getParent());
    ImageIO.write(solid(40, 160, 40), "jpg", meadow.toFile());
    PhotoBackdrops debian = PhotoBackdrops.debian(root);
    assertEquals(1, debian.photos().size());
    PhotoBackdrops.Photo p = debian.photos().get(0);
    assertEquals("/usr/share/backgrounds/mate/nature/GreenMeadow.jpg", p.file());
    assertEquals("GPL-2+", p.licence());
    assertEquals("mate-backgrounds", p.source());
    assertEquals("Timothy Schellhase, Lapo Calamandrei", p.author());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PhotoBackdrops.debian(dir.resolve("bare")));
    assertTrue(e.getMessage().contains("install mate-backgrounds"), e.getMessage());
  }

  static byte[] pixels(Backdrop b) {
    BufferedImage image = b.draw(ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT);
    return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
  }

  static void assertMessage(Path folder, String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PhotoBackdrops.load(folder));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }
}
