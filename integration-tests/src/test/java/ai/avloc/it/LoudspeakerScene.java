package ai.avloc.it;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SoundSignature;
import ai.avloc.simulator.SoundSource;
import ai.avloc.simulator.Trajectory;
import ai.avloc.training.data.SyntheticClass;
import java.util.List;
import java.util.Random;

/**
 * The mono tests' scene: a loudspeaker 20° right and 6° below the view's centre, 5 m away, in 20 dB
 * of diffuse noise, heard by the dual-camera array whose mono channel the camera publishes.
 */
final class LoudspeakerScene {
  private LoudspeakerScene() {}

  static SoundSource loudspeaker(double seconds) {
    return new SoundSource(
        "loudspeaker",
        "loudspeaker",
        SoundSignature.of(SyntheticClass.LOUDSPEAKER.shape(), new Random(11))
            .signal(seconds, 0.3, 12),
        Trajectory.Fixed.ofDirection(20, -6, 5));
  }

  static Scene with(SoundSource speaker, double seconds) {
    return new Scene(
        Scene.DEFAULT_SAMPLE_RATE,
        seconds,
        3,
        Air.SPEED_OF_SOUND,
        BuiltinArrays.dualcam128(),
        List.of(speaker),
        new Scene.SensorNoise(new Scene.Snr(40)),
        new Scene.DiffuseNoise(new Scene.Snr(20), Scene.DEFAULT_PLANE_WAVES, 100, 5500));
  }
}
