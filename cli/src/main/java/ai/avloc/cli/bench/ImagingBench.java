package ai.avloc.cli.bench;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.Mfcc;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BandPowerMapper;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.Beamformer;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.schemas.WindowClock;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench imaging}: MFCC windows/s on one core, then 36x48x12 acoustic images/s at batch 32
 * and 64, with the time split into FFT, steering GEMM and the mel/DCT tail, against the machine's
 * reference GEMM rate, then the job's array band-power maps on one thread by batch size and bin
 * stride. With the TensorFlow graph among the implementations ({@code --imaging java,tensorflow}),
 * the graph's images/s at the same batch sizes on DJL's device, beside the Java path's.
 */
public final class ImagingBench {
  /** float32 GEMM rate measured on these 2-core machines with TF's oneDNN kernels (stack notes). */
  public static final double REFERENCE_GFLOPS = 400;

  private final MicArray array;
  private final int seconds;
  private final boolean timeJava;
  private final boolean timeGraph;

  /**
   * @param mics 128 (dualcam128) or 64 (vogel64)
   * @param seconds audio seconds per acoustic-image run
   */
  public ImagingBench(int mics, int seconds) {
    this(mics, seconds, java.util.List.of("java"));
  }

  /**
   * @param imaging the implementations to time: {@code java} (the sgemm imager, with its stage
   *     split), {@code tensorflow} (the beamforming graph through DJL)
   */
  public ImagingBench(int mics, int seconds, java.util.List<String> imaging) {
    this.array = mics == 64 ? BuiltinArrays.vogel64() : BuiltinArrays.dualcam128();
    this.seconds = seconds;
    for (String name : imaging) {
      if (!name.equals("java") && !name.equals("tensorflow")) {
        throw new IllegalArgumentException(
            "--imaging takes java and/or tensorflow, got '" + name + "'");
      }
    }
    this.timeJava = imaging.contains("java");
    this.timeGraph = imaging.contains("tensorflow");
  }

  /** Seconds per frame of each stage of one acoustic-image run, and what it moved. */
  private record Timing(
      int mics,
      int batch,
      int frames,
      LookGrid grid,
      double total,
      double fft,
      double gemm,
      double sgemm,
      double mel,
      double flopPerFrame,
      long bytesPerFrame,
      long fixedBytes) {}

  public int run() {
    System.out.printf(
        Locale.ROOT,
        "avloc bench imaging — %d cores, Java %s%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    Timing[] javaTimings = new Timing[0];
    if (timeJava) {
      mfcc();
      javaTimings = new Timing[] {time(32), time(64)};
      print(javaTimings[0]);
      print(javaTimings[1]);
      bandPower();
    }
    if (timeGraph) {
      compare(javaTimings);
    }
    return 0;
  }

  /** Frames per timed run at this batch size: the run's seconds of audio, whole batches. */
  private int frames(int batch) {
    return Math.max(batch, seconds * WindowClock.WINDOWS_PER_SECOND / batch * batch);
  }

  /**
   * The beamforming graph's images/s at batch 32 and 64 on DJL's device (after one warm-up batch),
   * beside the Java imager's from {@code javaTimings}, on the same kind of noise.
   */
  private void compare(Timing[] javaTimings) {
    LookGrid grid = LookGrid.cameraFov(65, 50);
    BeamSteering steering = BeamSteering.classic(array, grid);
    int m = array.size();
    int n = WindowClock.SAMPLES_PER_WINDOW;
    System.out.printf(
        Locale.ROOT,
        "Acoustic images by implementation: %d mics (%s), %d x %d x 12%n",
        m,
        array.name(),
        grid.rows(),
        grid.cols());
    System.out.println("| implementation | device | batch | frames | images/s |");
    System.out.println("|---|---|---:|---:|---:|");
    for (Timing t : javaTimings) {
      System.out.printf(
          Locale.ROOT,
          "| java sgemm | cpu (%d threads) | %d | %d | %.1f |%n",
          Runtime.getRuntime().availableProcessors(),
          t.batch(),
          t.frames(),
          1 / t.total());
    }
    java.nio.file.Path cache = ai.avloc.serving.beamforming.BeamformingGraph.defaultCacheRoot();
    double[] graphRates = new double[2];
    try (var model =
        ai.avloc.serving.beamforming.BeamformingModel.load(
            ai.avloc.serving.beamforming.BeamformingGraph.acousticImages(steering), cache)) {
      int[] batches = {32, 64};
      for (int i = 0; i < batches.length; i++) {
        int batch = batches[i];
        int frames = frames(batch);
        float[] samples = noise(batch * m * n, 200 + batch);
        model.apply(samples, batch); // warm-up: graph optimization, kernels, memory pools
        long t0 = System.nanoTime();
        for (int done = 0; done < frames; done += batch) {
          model.apply(samples, batch);
        }
        graphRates[i] = frames / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(
            Locale.ROOT,
            "| tensorflow graph | %s | %d | %d | %.1f |%n",
            model.device(),
            batch,
            frames,
            graphRates[i]);
      }
    }
    for (int i = 0; i < javaTimings.length; i++) {
      System.out.printf(
          Locale.ROOT,
          "batch %d: the graph runs at %.2fx the Java path's rate%n",
          javaTimings[i].batch(),
          graphRates[i] * javaTimings[i].total());
    }
    System.out.println();
  }

  /** Batch sizes of the band-power table: what the array operator's batches range over. */
  private static final int[] BAND_POWER_BATCHES = {1, 2, 4, 8, 16, 32};

  /** Bin strides of the band-power table: the exact map, then the job's coarser ones. */
  private static final int[] BAND_POWER_STRIDES = {1, 2, 4};

  /**
   * The job's array maps (36x48, 500-5000 Hz, {@code BandPowerMapper}) on one thread with one BLAS
   * thread, as each array task runs on 2 cores: ms per window by batch size and bin stride, 64
   * windows per cell after a warm-up batch. A batch's fixed cost (every bin's steering weights) is
   * what a shorter {@code --array-max-wait-ms} pays more often.
   */
  private void bandPower() {
    LookGrid grid = LookGrid.cameraFov(65, 50);
    BeamSteering steering = BeamSteering.classic(array, grid);
    int m = array.size();
    int n = WindowClock.SAMPLES_PER_WINDOW;
    int windows = 64;
    float[][] channels = new float[m][];
    for (int c = 0; c < m; c++) {
      channels[c] = noise(windows * n, 300 + c);
    }
    System.out.printf(
        Locale.ROOT,
        "Band-power maps (the job's array path): %d mics (%s), %d x %d, 500-5000 Hz, one thread,"
            + " ms per window%n",
        m,
        array.name(),
        grid.rows(),
        grid.cols());
    StringBuilder head = new StringBuilder("| bin stride | bins |");
    StringBuilder rule = new StringBuilder("|---:|---:|");
    for (int batch : BAND_POWER_BATCHES) {
      head.append(" batch ").append(batch).append(" |");
      rule.append("---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    int before = org.bytedeco.openblas.global.openblas_nolapack.blas_get_num_threads();
    org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(1);
    try {
      for (int stride : BAND_POWER_STRIDES) {
        StringBuilder row = new StringBuilder();
        int bins = 0;
        for (int batch : BAND_POWER_BATCHES) {
          try (BandPowerMapper mapper =
              BandPowerMapper.ofBand(
                  steering, WindowClock.SAMPLE_RATE, n, 500, 5000, stride, batch)) {
            bins = mapper.bins();
            mapper.maps(channels, n, 0, batch); // warm-up: JIT, the weights' first anchors
            long t0 = System.nanoTime();
            for (int done = 0; done < windows; done += batch) {
              mapper.maps(channels, n, done, batch);
            }
            double ms = (System.nanoTime() - t0) / 1e6 / windows;
            row.append(String.format(Locale.ROOT, " %.1f |", ms));
          }
        }
        System.out.printf(Locale.ROOT, "| %d | %d |%s%n", stride, bins, row);
      }
    } finally {
      org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(before);
    }
    System.out.println();
  }

  /** Times one batch size: the whole imager, then each stage alone on the same frames. */
  private Timing time(int batch) {
    LookGrid grid = LookGrid.cameraFov(65, 50);
    int m = array.size();
    int frames = frames(batch);
    float[][] channels = new float[m][];
    for (int c = 0; c < m; c++) {
      channels[c] = noise(frames * WindowClock.SAMPLES_PER_WINDOW, 100 + c);
    }
    int threads = Runtime.getRuntime().availableProcessors();
    BeamSteering steering = BeamSteering.classic(array, grid);
    try (AcousticImager imager = new AcousticImager(steering, batch, threads);
        Beamformer bf =
            new Beamformer(
                steering,
                WindowClock.SAMPLE_RATE,
                WindowClock.SAMPLES_PER_WINDOW,
                batch,
                threads)) {
      imager.images(channels, 0, frames); // warm-up: JIT and OpenBLAS threads
      long t0 = System.nanoTime();
      imager.images(channels, 0, frames);
      double total = (System.nanoTime() - t0) / 1e9 / frames;

      // the stages alone, on the imager's threads: 1. per-channel windowed FFTs
      int bins = MfccSpec.BINS;
      float[] spectra = new float[2 * bins * m * batch];
      long t1 = System.nanoTime();
      for (int done = 0; done < frames; done += batch) {
        imager.spectra(channels, done * WindowClock.SAMPLES_PER_WINDOW, batch, spectra);
      }
      double fft = (System.nanoTime() - t1) / 1e9 / frames;

      // 2. steering over the 510 bins the mel bank uses, weights rotated per bin
      int[] used = java.util.stream.IntStream.rangeClosed(1, 510).toArray();
      Beamformer.RangePowers none = (bin, first, count, p, f) -> {};
      bf.beamPowers(spectra, 0, batch, used, none);
      long t2 = System.nanoTime();
      for (int done = 0; done < frames; done += batch) {
        bf.beamPowers(spectra, 0, batch, used, none);
      }
      double gemm = (System.nanoTime() - t2) / 1e9 / frames;
      int multiplied = bf.multipliedDirections();
      double sgemm = pureSgemm(bf, multiplied, m, batch, used.length, frames);
      double mel = Math.max(0, total - fft - gemm);
      // [Wr; Wi] (2D' x M) times [Xr | Xi] (M x 2F): 8 flops per complex MAC of the D' directions
      double flopPerFrame = 8.0 * multiplied * m * used.length;
      long bytesPerFrame =
          (2L * used.length * m * 4) // spectra
              + (long) grid.size() * MfccSpec.MEL_BANDS * 8 // mel accumulators
              + (long) grid.size() * 12 * 4 // output image
              + (2L * grid.size() * 4 * 2); // beam outputs and powers
      // per multiplied direction and microphone: complex float weights, their per-bin rotation,
      // the sgemm's copy and 4 kept anchors (bins 1, 128, 256, 384), double gain and delay
      long fixedBytes = (long) multiplied * m * (8 * 3 + 8 * 4 + 16);
      return new Timing(
          m,
          batch,
          frames,
          grid,
          total,
          fft,
          gemm,
          sgemm,
          mel,
          flopPerFrame,
          bytesPerFrame,
          fixedBytes);
    }
  }

  private void print(Timing t) {
    int m = t.mics();
    int batch = t.batch();
    int frames = t.frames();
    LookGrid grid = t.grid();
    double total = t.total();
    double fft = t.fft();
    double gemm = t.gemm();
    double sgemm = t.sgemm();
    double mel = t.mel();
    double flopPerFrame = t.flopPerFrame();
    long bytesPerFrame = t.bytesPerFrame();
    long fixedBytes = t.fixedBytes();
    double gflops = flopPerFrame / gemm / 1e9;
    double sgemmGflops = flopPerFrame / sgemm / 1e9;
    System.out.printf(
        Locale.ROOT,
        "Acoustic images: %d mics (%s), %d x %d directions x 12 MFCC, batch %d, %d frames, %d"
            + " threads%n",
        m,
        array.name(),
        grid.rows(),
        grid.cols(),
        batch,
        frames,
        Runtime.getRuntime().availableProcessors());
    System.out.println("| stage | ms/frame | share |");
    System.out.println("|---|---:|---:|");
    System.out.printf(
        Locale.ROOT,
        "| FFT (%d channels x 1024, double) | %.2f | %.0f %% |%n",
        m,
        fft * 1e3,
        100 * fft / total);
    System.out.printf(
        Locale.ROOT,
        "| steering: sgemm alone (510 bins) | %.2f | %.0f %% |%n",
        sgemm * 1e3,
        100 * sgemm / total);
    System.out.printf(
        Locale.ROOT,
        "| steering: weight rotation, copies, |Y|^2 | %.2f | %.0f %% |%n",
        Math.max(0, gemm - sgemm) * 1e3,
        100 * Math.max(0, gemm - sgemm) / total);
    System.out.printf(
        Locale.ROOT,
        "| mel/log/DCT/lifter + normalize | %.2f | %.0f %% |%n",
        mel * 1e3,
        100 * mel / total);
    System.out.printf(Locale.ROOT, "| total | %.2f | 100 %% |%n", total * 1e3);
    System.out.printf(
        Locale.ROOT,
        "frames/s: %.1f (= %.1f real-time array streams at 12 fps)%n",
        1 / total,
        1 / total / 12);
    System.out.printf(
        Locale.ROOT,
        "GEMM: %.2f GFLOP/frame (8 flops per complex MAC); sgemm alone %.0f GFLOP/s = %.0f %% of the"
            + " %.0f GFLOP/s reference, whole steering stage %.0f GFLOP/s = %.0f %%%n",
        flopPerFrame / 1e9,
        sgemmGflops,
        100 * sgemmGflops / REFERENCE_GFLOPS,
        REFERENCE_GFLOPS,
        gflops,
        100 * gflops / REFERENCE_GFLOPS);
    System.out.printf(
        Locale.ROOT,
        "memory: %.2f MB per frame in flight + %.1f MB per imager (steering gains, delays, weights)%n%n",
        bytesPerFrame / 1e6,
        fixedBytes / 1e6);
  }

  /**
   * Seconds per frame of the bare real products the beamformer runs, same shapes ([Wr; Wi] times
   * [Xr | Xi] over each part's share of the multiplied directions, the parts at once), no weight
   * updates or copies.
   */
  private static double pureSgemm(
      Beamformer bf, int directions, int mics, int batch, int bins, int frames) {
    int parts = bf.parts();
    org.bytedeco.javacpp.FloatPointer[] a = new org.bytedeco.javacpp.FloatPointer[parts];
    org.bytedeco.javacpp.FloatPointer[] x = new org.bytedeco.javacpp.FloatPointer[parts];
    org.bytedeco.javacpp.FloatPointer[] y = new org.bytedeco.javacpp.FloatPointer[parts];
    for (int p = 0; p < parts; p++) {
      a[p] = new org.bytedeco.javacpp.FloatPointer(2L * directions * mics);
      a[p].put(noise(2 * directions * mics, 7));
      x[p] = new org.bytedeco.javacpp.FloatPointer(2L * mics * batch);
      x[p].put(noise(2 * mics * batch, 8));
      y[p] = new org.bytedeco.javacpp.FloatPointer(4L * directions * batch);
    }
    try {
      long t0 = System.nanoTime();
      for (int done = 0; done < frames; done += batch) {
        bf.forEachPart(
            directions,
            (p, first, end) -> {
              for (int b = 0; b < bins; b++) {
                org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm(
                    org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor,
                    org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans,
                    org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans,
                    2 * (end - first),
                    2 * batch,
                    mics,
                    1f,
                    a[p],
                    mics,
                    x[p],
                    2 * batch,
                    0f,
                    y[p],
                    2 * batch);
              }
            });
      }
      return (System.nanoTime() - t0) / 1e9 / frames;
    } finally {
      for (int p = 0; p < parts; p++) {
        a[p].close();
        x[p].close();
        y[p].close();
      }
    }
  }

  private static float[] noise(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (3000 * (random.nextDouble() - 0.5));
    }
    return x;
  }

  /** Mono MFCC windows per second on one thread, after a JIT warm-up. */
  private static void mfcc() {
    int windows = 50_000;
    float[] signal = noise(windows * WindowClock.SAMPLES_PER_WINDOW / 10, 1);
    Mfcc mfcc = new Mfcc();
    float[] out = new float[MfccSpec.COEFFICIENTS];
    int perPass = signal.length / WindowClock.SAMPLES_PER_WINDOW;
    for (int i = 0; i < 20_000; i++) {
      mfcc.raw(signal, (i % perPass) * WindowClock.SAMPLES_PER_WINDOW, out, 0);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < windows; i++) {
      mfcc.raw(signal, (i % perPass) * WindowClock.SAMPLES_PER_WINDOW, out, 0);
      ai.avloc.acoustics.audio.MelCepstrum.minMaxNormalize(out, 0, out.length);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.println("| stage | windows | seconds | windows/s (1 thread) | real-time streams |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf(
        Locale.ROOT,
        "| mono MFCC (1024 @ 12288 Hz) | %d | %.3f | %,.0f | %,.0f |%n%n",
        windows,
        s,
        windows / s,
        windows / s / WindowClock.WINDOWS_PER_SECOND);
  }
}
