package ai.avloc.serving;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;

/**
 * Points DJL's TensorFlow engine at the TF natives that Maven resolved, before anything asks for
 * the engine. Without this DJL tries to download its own natives at run time, which avloc never
 * does (no network beyond loopback).
 */
public final class TensorflowRuntime {
  private static volatile boolean ready;

  private TensorflowRuntime() {}

  /** Loads the natives once per JVM (unpacked under ~/.javacpp the first time, ~2 s). */
  public static synchronized void ensureLoaded() {
    if (ready) {
      return;
    }
    System.setProperty("ai.djl.offline", "true");
    String library = Loader.load(org.tensorflow.internal.c_api.global.tensorflow.class);
    if (library == null) {
      throw new IllegalStateException(
          "the TensorFlow natives for " + Loader.getPlatform() + " are not on the classpath");
    }
    Path folder = Path.of(library).getParent();
    System.setProperty("TENSORFLOW_LIBRARY_PATH", folder.toString());
    ready = true;
  }

  /**
   * How DJL loads a SavedModel in {@code dir} that serves the contract's tag and signature ({@link
   * ModelContract}), tensors in and out as they are; loads the natives first.
   */
  public static Criteria<NDList, NDList> savedModel(Path dir) {
    ensureLoaded();
    return Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(dir)
        .optEngine("TensorFlow")
        .optOption("Tags", ModelContract.TAG)
        .optOption("SignatureDefKey", ModelContract.SIGNATURE)
        .optTranslator(new NoopTranslator())
        .build();
  }
}
