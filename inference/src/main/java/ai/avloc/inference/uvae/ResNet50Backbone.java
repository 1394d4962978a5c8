package ai.avloc.inference.uvae;

import java.nio.file.Path;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** The paper preset's visual encoder: the modified ResNet-50 v1 of uvae-reference.md §3.3. */
public final class ResNet50Backbone implements Backbone {
  private final Path weights;

  public ResNet50Backbone(Path weights) {
    this.weights = weights;
  }

  @Override
  public Operand<TFloat32> features(
      Layers layers, Operand<TFloat32> rgb, Operand<TFloat32> training) {
    throw new UnsupportedOperationException("the ResNet-50 backbone is not built yet");
  }

  @Override
  public long macsPerFrame() {
    return 0;
  }
}
