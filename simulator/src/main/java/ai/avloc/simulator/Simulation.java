package ai.avloc.simulator;

import ai.avloc.acoustics.audio.MultichannelAudio;
import java.util.Objects;

/**
 * The result of {@link SceneSimulator#render(Scene)}: one channel per microphone of the scene's
 * array, in the array's channel order, in pascals, at the scene's sample rate; channel 0 doubles as
 * the scene's mono microphone. Sample i is time i / sampleRate.
 *
 * @param audio the microphone signals
 * @param scene the scene that was rendered, for its ground truth
 */
public record Simulation(MultichannelAudio audio, Scene scene) {

  public Simulation {
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(scene, "scene");
  }

  /**
   * The unit vector from the array centre toward source {@code source} (index into {@code
   * scene.sources()}) at time t in seconds: the ground truth of localization.
   *
   * @throws IndexOutOfBoundsException for a source index outside the scene
   */
  public double[] trueDirection(int source, double t) {
    return sourceAt(source).directionAt(t);
  }

  /** Source {@code source}'s position {x, y, z} in metres at time t. */
  public double[] truePosition(int source, double t) {
    return sourceAt(source).positionAt(t);
  }

  private SoundSource sourceAt(int source) {
    Objects.checkIndex(source, scene.sources().size());
    return scene.sources().get(source);
  }
}
