package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * A fine-tune from an exported model: every weight of the model (trainable or a batch-norm
 * statistic) comes from its SavedModel, not from the training graph's own seeded initializers, and
 * the optimizer's state starts fresh.
 */
class ModelWeightsTest {
  @TempDir Path dir;

  @Test
  void aTrainingGraphTakesEveryWeightOfAnExportedModel() throws Exception {
    UvaeConfig exported = UvaeConfig.preset("compact").withSeed(11);
    Path model = dir.resolve("model");
    UvaeExport.exportInitialized(exported, model);
    assertTrue(ModelWeights.isModelDirectory(model));
    Path checkpoint = ModelWeights.checkpointOf(model);
    assertTrue(ModelWeights.isSavedModelCheckpoint(checkpoint));
    assertFalse(ModelWeights.isSavedModelCheckpoint(dir.resolve("run/checkpoints/best/ckpt")));

    // the exported weights, read back by name from a serving graph restored as export writes it
    List<String> names = new java.util.ArrayList<>();
    float[][] wanted;
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      UvaeGraph.build(org.tensorflow.op.Ops.create(graph), exported, exported.backbone(), true);
      graph
          .operations()
          .forEachRemaining(
              op -> {
                if (op.type().equals("VariableV2")) {
                  names.add(op.name());
                }
              });
      session.restore(checkpoint.toString());
      wanted = values(graph, session, names);
    }
    assertTrue(names.size() > 20, names.size() + " variables");

    // a training graph of another seed: its own initial weights differ, the restored ones do not
    UvaeConfig mine = exported.withSeed(12);
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      UvaeTraining.build(graph, mine);
      session.initialize();
      float[][] fresh = values(graph, session, names);
      assertFalse(java.util.Arrays.equals(wanted[0], fresh[0]), "another seed, other weights");

      assertEquals(names.size(), ModelWeights.restore(graph, session, mine, checkpoint));
      float[][] got = values(graph, session, names);
      for (int i = 0; i < names.size(); i++) {
        assertArrayEquals(wanted[i], got[i], names.get(i));
      }
    }
  }

  private static float[][] values(Graph graph, Session session, List<String> variables) {
    float[][] out = new float[variables.size()][];
    Session.Runner runner = session.runner();
    variables.forEach(name -> runner.fetch(graph.operation(name).output(0)));
    try (Result result = runner.run()) {
      for (int i = 0; i < out.length; i++) {
        TFloat32 t = (TFloat32) result.get(i);
        float[] v = new float[(int) t.size()];
        t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(v, false, false));
        out[i] = v;
      }
    }
    return out;
  }
}
