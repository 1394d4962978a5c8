package ai.avloc.training.data;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.simulator.Backdrop;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Photographs that synthetic scenes draw their backdrops from, each with the licence it may be used
 * under: a folder of JPEG or PNG files with a {@code backdrops.json} manifest, or the free-licensed
 * photographs of Debian's wallpaper packages where they are installed ({@link #debian()}). A
 * photograph without a licence is refused, so a dataset card can always say what every picture in
 * it may be used for.
 *
 * <p>The manifest is {@code {"photos": [{"file": "a.jpg", "licence": "CC-BY-4.0", "source": "...",
 * "author": "..."}]}}; {@code licence} is required, {@code source} (where the picture comes from: a
 * package, a site) and {@code author} are recorded when given.
 */
public final class PhotoBackdrops {
  /** The manifest's name in a folder of photographs. */
  public static final String MANIFEST = "backdrops.json";

  /**
   * A photograph: its file name, licence, source and author as the manifest says, and the picture,
   * scaled down once so that its shorter side is at most twice the frame's.
   */
  public record Photo(
      String file, String licence, String source, String author, BufferedImage picture) {}

  /** Debian's photographs: path, licence, package, author (from the package's copyright file). */
  private static final String[][] DEBIAN = {
    mate("Aqua.jpg", "Charles Barbin"),
    mate("Blinds.jpg", "Lennart Poettering, Andrea Cimitan"),
    mate("Dune.jpg", "Marco Cogoni, Hylke Bons"),
    mate("FreshFlower.jpg", "Jens Ansorg"),
    mate("Garden.jpg", "Charles Barbin"),
    mate("GreenMeadow.jpg", "Timothy Schellhase, Lapo Calamandrei"),
    mate("LadyBird.jpg", "Charles Barbin"),
    mate("RainDrops.jpg", "blackcombwhistler07"),
    mate("Storm.jpg", "Sergey Nazarov"),
    mate("TwoWings.jpg", "Charles Barbin, Hylke Bons"),
    mate("Wood.jpg", "Jean-François Fortin Tam"),
    mate("YellowFlower.jpg", "Charles Barbin"),
    plasma("Autumn", "RJ Quiralta"),
    plasma("BytheWater", "Maciej Wiklo"),
    plasma("ColorfulCups", "Dmitri Popov"),
    plasma("EveningGlow", "Ian Hex"),
    plasma("FallenLeaf", "Martin Klapetek"),
  };

  /** The largest share of a photograph's width or height a backdrop shows, and the smallest. */
  static final double MAX_CROP = 1.0;

  static final double MIN_CROP = 0.5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String origin;
  private final List<Photo> photos;

  private PhotoBackdrops(String origin, List<Photo> photos) {
    this.origin = origin;
    this.photos = List.copyOf(photos);
  }

  /**
   * The photographs of {@code folder}: every {@code .jpg}, {@code .jpeg} or {@code .png} file in it
   * must be listed in its {@code backdrops.json} with a licence, and every listed file must be
   * there and readable.
   */
  public static PhotoBackdrops load(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("--backdrops " + folder + " is not a directory");
    }
    Path manifestFile = folder.resolve(MANIFEST);
    TreeSet<String> images = new TreeSet<>();
    try (Stream<Path> list = Files.list(folder)) {
      list.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(PhotoBackdrops::isImageName)
          .forEach(images::add);
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException(
          "--backdrops " + folder + " holds no photograph (.jpg, .jpeg or .png)");
    }
    if (!Files.isRegularFile(manifestFile)) {
      throw new IllegalArgumentException(
          "--backdrops "
              + folder
              + " has no "
              + MANIFEST
              + " saying each photograph's licence; photographs without one are not used");
    }
    JsonNode manifest = JSON.readTree(manifestFile.toFile());
    Map<String, JsonNode> entries = new HashMap<>();
    for (JsonNode entry : manifest.path("photos")) {
      String file = entry.path("file").asText("");
      if (file.isBlank()) {
        throw new IllegalArgumentException(manifestFile + ": an entry has no \"file\"");
      }
      entries.put(file, entry);
    }
    for (String listed : entries.keySet()) {
      if (!images.contains(listed)) {
        throw new IllegalArgumentException(
            manifestFile + " lists " + listed + ", which is not a photograph in " + folder);
      }
    }
    List<Photo> photos = new ArrayList<>();
    for (String name : images) {
      JsonNode entry = entries.get(name);
      String licence = entry == null ? "" : entry.path("licence").asText("");
      if (licence.isBlank()) {
        throw new IllegalArgumentException(
            "photograph "
                + folder.resolve(name)
                + " has no licence in "
                + MANIFEST
                + "; add {\"file\": \""
                + name
                + "\", \"licence\": ...} or remove it");
      }
      photos.add(
          new Photo(
              name,
              licence,
              entry.path("source").asText(""),
              entry.path("author").asText(""),
              read(folder.resolve(name))));
    }
    return new PhotoBackdrops(folder.toAbsolutePath().toString(), photos);
  }

  /**
   * The free-licensed photographs of Debian's {@code mate-backgrounds} and {@code
   * plasma-workspace-wallpapers} packages that are installed, under {@code /usr/share}.
   */
  public static PhotoBackdrops debian() throws IOException {
    return debian(Path.of("/"));
  }

  /** {@link #debian()} under another root (a package unpacked with {@code dpkg -x}). */
  public static PhotoBackdrops debian(Path root) throws IOException {
    List<Photo> photos = new ArrayList<>();
    for (String[] p : DEBIAN) {
      Path file = root.resolve(p[0].substring(1));
      if (Files.isRegularFile(file)) {
        photos.add(new Photo(p[0], p[1], p[2], p[3], read(file)));
      }
    }
    if (photos.isEmpty()) {
      throw new IllegalArgumentException(
          "--backdrops debian: none of the known photographs is installed under "
              + root
              + "; install mate-backgrounds or plasma-workspace-wallpapers (apt-get install"
              + " mate-backgrounds), or give a folder of photographs with a "
              + MANIFEST);
    }
    return new PhotoBackdrops("debian packages", photos);
  }

  /** Where the photographs came from: the folder, or "debian packages". */
  public String origin() {
    return origin;
  }

  public List<Photo> photos() {
    return photos;
  }

  /**
   * A backdrop drawn from {@code random}: one of the photographs, a crop of 50–100 % of its size
   * with the frame's aspect ratio at a random place.
   */
  public Backdrop pick(Random random) {
    Photo photo = photos.get(random.nextInt(photos.size()));
    double w = photo.picture().getWidth();
    double h = photo.picture().getHeight();
    double aspect = (double) ModelShapes.FRAME_WIDTH / ModelShapes.FRAME_HEIGHT;
    // the largest crop of the frame's aspect, as fractions of the photograph's width and height
    double cw = Math.min(1, h * aspect / w);
    double ch = Math.min(1, w / aspect / h);
    double scale = MIN_CROP + (MAX_CROP - MIN_CROP) * random.nextDouble();
    cw *= scale;
    ch *= scale;
    double x0 = (1 - cw) * random.nextDouble();
    double y0 = (1 - ch) * random.nextDouble();
    return Backdrop.photo(photo.file(), photo.picture(), new double[] {x0, y0, x0 + cw, y0 + ch});
  }

  private static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  /** The picture, scaled so that its shorter side is at most twice the frame's height. */
  private static BufferedImage read(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IllegalArgumentException("photograph " + file + " cannot be read as an image");
    }
    double scale =
        Math.min(1, 2.0 * ModelShapes.FRAME_HEIGHT / Math.min(image.getWidth(), image.getHeight()));
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  private static String[] mate(String file, String author) {
    return new String[] {
      "/usr/share/backgrounds/mate/nature/" + file, "GPL-2+", "mate-backgrounds", author
    };
  }

  private static String[] plasma(String name, String author) {
    return new String[] {
      "/usr/share/wallpapers/" + name + "/contents/images/2560x1600.jpg",
      "LGPL-3 (its metadata.json; Debian's copyright file: GPL-2+)",
      "plasma-workspace-wallpapers",
      author
    };
  }
}
