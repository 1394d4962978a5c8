package ai.avloc.simulator;

/**
 * Derives independent random streams from one scene seed, so that every random part of a scene
 * (each noise source, each diffuse plane wave, each microphone's sensor noise) has its own stream
 * and adding or removing one part does not shift the random numbers of the others.
 */
final class Seeds {

  /**
   * Stream family of a source signal's randomness (noise samples, harmonic phases); key = source
   * index.
   */
  static final long SOURCE_SIGNAL = 1;

  /** Stream family of one diffuse plane wave's signal; key = wave index. */
  static final long DIFFUSE_WAVE = 2;

  /** Stream of the diffuse plane waves' directions. */
  static final long DIFFUSE_DIRECTIONS = 3;

  /** Stream family of one microphone's sensor noise; key = microphone index. */
  static final long SENSOR = 4;

  private Seeds() {}

  /**
   * A seed for the stream {@code (family, key)} of the scene seed: each input goes through the
   * SplitMix64 finalizer, a bijective mixer with full avalanche, so nearby inputs give unrelated
   * outputs.
   */
  static long derive(long seed, long family, long key) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h + family * 0xBF58476D1CE4E5B9L);
    return mix(h + key * 0x94D049BB133111EBL);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
