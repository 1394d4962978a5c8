package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.serving.BrightSpotModel;
import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.data.TfRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  @TempDir Path dir;

  /** A second whose frames are bright where its acoustic images are flat (a bright-spot source). */
  private static AudioVisualSecond second(long seed) {
    Random r = new Random(seed);
    float[] images = new float[12 * 36 * 48 * 12];
    byte[] frames = new byte[12 * 224 * 298 * 3];
    int row = 8 + r.nextInt(20);
    int col = 8 + r.nextInt(30);
    for (int e = 0; e < 12; e++) {
      for (int i = 0; i < 36 * 48; i++) {
        boolean inside = Math.hypot(i / 48 - row, i % 48 - col) < 5;
        // stored rotated by 180 degrees
        int stored = 36 * 48 - 1 - i;
        for (int k = 0; k < 12; k++) {
          images[(e * 36 * 48 + stored) * 12 + k] = inside ? 0 : 1 + k % 5;
        }
      }
      for (int y = 0; y < 224; y++) {
        for (int x = 0; x < 298; x++) {
          boolean lit = Math.hypot(y * 36.0 / 224 - row, x * 48.0 / 298 - col) < 5;
          int p = ((e * 224 + y) * 298 + x) * 3;
          frames[p] = frames[p + 1] = frames[p + 2] = (byte) (lit ? 240 : 20);
        }
      }
    }
    int[] audio = new int[12 * 1024];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (int) (6000 * Math.sin(i * 0.2) + 500 * r.nextGaussian());
    }
    return new AudioVisualSecond(Map.of("classes", seed % 2), images, audio, frames);
  }

  private Path dataset() throws Exception {
    Path root = dir.resolve("data");
    Files.createDirectories(root.resolve("lists"));
    for (int s = 1; s <= 2; s++) {
      Path file = root.resolve("class_0/data_00001/Data_00" + s + ".tfrecord");
      Files.createDirectories(file.getParent());
      TfRecords.write(file, List.of(second(s).toBytes()), true);
    }
    Files.write(
        root.resolve("lists/testing.txt"),
        List.of("class_0/data_00001/Data_001.tfrecord", "class_0/data_00001/Data_002.tfrecord"));
    return root;
  }

  @Test
  void shouldWriteTheReportForTheContractModel() throws Exception {
    Path data = dataset();
    Path model = dir.resolve("model");
    BrightSpotModel.export(model, 224, 298);
    Path out = dir.resolve("out");
    BadInputTest.Run run =
        BadInputTest.run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--grid",
            "2",
            "--batch",
            "5",
            "--flat-threshold",
            "0.001",
            "--update-card");
    assertEquals(0, run.exit(), run.err());
    var metrics = ai.avloc.serving.ModelCard.read(model).metrics();
    assertTrue(
        metrics.containsKey("testingIoU50") && metrics.containsKey("flatContrast"), "" + metrics);
    assertTrue(metrics.get("testingIoU50") >= 0 && metrics.get("testingIoU50") <= 1);
    assertEquals(0.001, metrics.get("flatContrast"), 0);
    assertTrue(Files.size(out.resolve("evaluation.json")) > 1000);
    assertTrue(Files.size(out.resolve("success.png")) > 1000);
    assertTrue(Files.size(out.resolve("grid.png")) > 1000);
    String json = Files.readString(out.resolve("evaluation.json"));
    assertTrue(json.contains("\"bright-spot@1: audio + black image\""), json);
    assertTrue(json.contains("\"frames\" : 24"), json);
  }

  @Test
  void shouldAddDualCamNetsGanTestAndGanTrainToTheReport() throws Exception {
    Path data = dataset();
    // the same two seconds (classes 1 and 0) are the training list too; no validation list
    Files.write(
        data.resolve("lists/training.txt"),
        List.of("class_0/data_00001/Data_001.tfrecord", "class_0/data_00001/Data_002.tfrecord"));
    Path model = dir.resolve("model");
    BrightSpotModel.export(model, 224, 298);
    Path out = dir.resolve("out");
    // the command prints its progress and tables on System.out
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    BadInputTest.Run run;
    try {
      System.setOut(
          new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      run =
          BadInputTest.run(
              "evaluate",
              "--model",
              model.toString(),
              "--data",
              data.toString(),
              "--out",
              out.toString(),
              "--grid",
              "0",
              "--flat-threshold",
              "0.001",
              "--dualcamnet",
              "--dualcam-epochs",
              "1",
              "--dualcam-seeds",
              "2",
              "--dualcam-batch",
              "2");
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, run.exit(), run.err());
    String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        text.contains("dualcamnet seed 2/2, trained on tiled MFCC: epoch 1/1, training"), text);
    assertTrue(text.contains("clips: 2 training, 0 validation, 2 test"), text);
    assertTrue(text.contains("GAN-train   tiled MFCC"), text);
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.resolve("evaluation.json").toFile());
    var dc = json.get("dualcamnet");
    assertEquals(2, dc.get("seeds").asInt());
    assertEquals(1, dc.get("epochs").asInt());
    assertEquals(2, dc.get("clips").get("testing").asInt());
    // each seed's accuracy is a share of the 2 test clips
    for (var m :
        List.of(
            dc.get("ganTest").get("real"),
            dc.get("ganTest").get("generated").get("bright-spot@1"),
            dc.get("ganTest").get("tiledMfcc"),
            dc.get("ganTrain").get("generated").get("bright-spot@1").get("generated"),
            dc.get("ganTrain").get("generated").get("bright-spot@1").get("real"),
            dc.get("ganTrain").get("tiledMfcc").get("real"))) {
      assertEquals(2, m.get("values").size(), m.toString());
      for (var v : m.get("values")) {
        assertTrue(List.of(0.0, 0.5, 1.0).contains(v.asDouble()), m.toString());
      }
    }
    assertEquals(24, json.get("frames").asInt());
  }

  @Test
  void shouldNameAMissingSplitAndACorruptSecond() throws Exception {
    Path data = dataset();
    Path model = dir.resolve("model");
    BrightSpotModel.export(model, 224, 298);
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "evaluate", "--model", model.toString(), "--data", data.toString(), "--split", "val"),
        "validation.txt");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("out-dc").toString(),
            "--dualcamnet"),
        "--dualcamnet trains on the training list",
        "training.txt does not exist");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("out-dc").toString(),
            "--dualcamnet",
            "--dualcam-seeds",
            "0"),
        "epochs, seeds, batch and threads must be at least 1");
    assertTrue(Files.notExists(dir.resolve("out-dc")), "nothing evaluated");
    Files.write(data.resolve("class_0/data_00001/Data_002.tfrecord"), new byte[] {1, 2, 3});
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("out").toString()),
        "Data_002.tfrecord");
  }
}
