package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.audio.FrameSpectrum;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Functional beamforming (Dougherty 2014): b = ||w||^2 (u^H C^{1/nu} u)^nu with u = w / ||w|| and
 * C^{1/nu} from the eigendecomposition of the averaged cross-spectral matrix. For one source it
 * gives the classic level at the source, while side lobes and the main lobe's skirt fall as the
 * nu-th power, so two sources closer than the array's Rayleigh width (24 degrees at 2 kHz for a 50
 * cm aperture) appear as two peaks. Costs one M x M eigendecomposition and a (D x M)(M x M) product
 * per bin, so it is meant for plain maps at a frequency or in a narrow band.
 */
public final class FunctionalBeamforming {
  private FunctionalBeamforming() {}

  /**
   * @param nu exponent, at least 1 (1 is the classic beamformer on the same CSM); 10 to 100 is
   *     usual
   * @return the map, rows x cols, in the units of {@link BeamformingMap#compute}
   */
  public static float[] map(
      BeamSteering steering,
      float[][] channels,
      double sampleRate,
      int block,
      int[] bins,
      double nu) {
    if (!(nu >= 1) || !Double.isFinite(nu)) {
      throw new IllegalArgumentException(
          "functional beamforming exponent nu must be >= 1, got " + nu);
    }
    int length = BeamformingMap.checkRecording(steering.array(), channels, block);
    int m = steering.array().size();
    int d = steering.grid().size();
    int hop = block / 2;
    int blocks = 1 + (length - block) / hop;
    double binScale = BeamformingMap.binScale(block);

    // spectra of every block: bin b, mic, block
    FrameSpectrum spectrum = new FrameSpectrum(block, 1.0);
    float[] full = new float[block];
    double[][] x = new double[bins.length][2 * m * blocks];
    for (int mic = 0; mic < m; mic++) {
      for (int k = 0; k < blocks; k++) {
        spectrum.complex(channels[mic], k * hop, full, 0, 2);
        for (int b = 0; b < bins.length; b++) {
          x[b][2 * (mic * blocks + k)] = full[2 * bins[b]];
          x[b][2 * (mic * blocks + k) + 1] = full[2 * bins[b] + 1];
        }
      }
    }

    SteeringModel model = new SteeringModel(steering);
    double[] map = new double[d];
    try (DoublePointer weights = new DoublePointer(2L * d * m);
        DoublePointer root = new DoublePointer(2L * m * m);
        DoublePointer product = new DoublePointer(2L * d * m);
        DoublePointer one = new DoublePointer(1.0, 0.0);
        DoublePointer zero = new DoublePointer(0.0, 0.0)) {
      double[] v = new double[2 * d * m];
      double[] q = new double[2 * d * m];
      for (int b = 0; b < bins.length; b++) {
        double hz = bins[b] * sampleRate / block;
        double[] csm = crossSpectralMatrix(x[b], m, blocks, steering.removeDiagonal());
        root.put(matrixRoot(csm, m, nu));
        for (int i = 0; i < d * m; i++) {
          double angle = 2 * Math.PI * hz * model.delay[i];
          v[2 * i] = model.gain[i] * Math.cos(angle);
          v[2 * i + 1] = model.gain[i] * Math.sin(angle);
        }
        weights.put(v);
        // Q = V C^{1/nu}; then u^H C^{1/nu} u = Re sum_n Q_dn conj(V_dn) / ||v_d||^2
        openblas.cblas_zgemm(
            openblas.CblasRowMajor,
            openblas.CblasNoTrans,
            openblas.CblasNoTrans,
            d,
            m,
            m,
            one,
            weights,
            m,
            root,
            m,
            zero,
            product,
            m);
        product.get(q);
        for (int dir = 0; dir < d; dir++) {
          double quad = 0;
          double norm = 0;
          for (int mic = 0; mic < m; mic++) {
            int i = 2 * (dir * m + mic);
            quad += q[i] * v[i] + q[i + 1] * v[i + 1];
            norm += v[i] * v[i] + v[i + 1] * v[i + 1];
          }
          double level = Math.max(0, quad / norm);
          map[dir] += binScale * norm * Math.pow(level, nu);
        }
      }
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      out[i] = (float) map[i];
    }
    return out;
  }

  /**
   * C = (1/B) sum over blocks of x x^H, Hermitian, row-major interleaved; optionally without its
   * diagonal.
   */
  static double[] crossSpectralMatrix(double[] x, int m, int blocks, boolean removeDiagonal) {
    double[] c = new double[2 * m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double re = 0;
        double im = 0;
        for (int k = 0; k < blocks; k++) {
          double ar = x[2 * (i * blocks + k)];
          double ai = x[2 * (i * blocks + k) + 1];
          double br = x[2 * (j * blocks + k)];
          double bi = -x[2 * (j * blocks + k) + 1];
          re += ar * br - ai * bi;
          im += ar * bi + ai * br;
        }
        c[2 * (i * m + j)] = re / blocks;
        c[2 * (i * m + j) + 1] = im / blocks;
      }
    }
    if (removeDiagonal) {
      for (int i = 0; i < m; i++) {
        c[2 * (i * m + i)] = 0;
        c[2 * (i * m + i) + 1] = 0;
      }
    }
    return c;
  }

  /** C^{1/nu} = V diag(max(lambda, 0)^{1/nu}) V^H by LAPACK's zheev. */
  static double[] matrixRoot(double[] csm, int m, double nu) {
    double[] a = csm.clone();
    double[] lambda = new double[m];
    int info =
        openblas.LAPACKE_zheev(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', m, a, m, lambda);
    if (info != 0) {
      throw new IllegalStateException(
          "eigendecomposition of the cross-spectral matrix failed (LAPACK info " + info + ")");
    }
    double[] scaled = new double[m];
    for (int k = 0; k < m; k++) {
      scaled[k] = Math.pow(Math.max(lambda[k], 0), 1 / nu);
    }
    // a holds the eigenvectors in its columns: a[i][k]
    double[] root = new double[2 * m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double re = 0;
        double im = 0;
        for (int k = 0; k < m; k++) {
          if (scaled[k] == 0) {
            continue;
          }
          double ar = a[2 * (i * m + k)];
          double ai = a[2 * (i * m + k) + 1];
          double br = a[2 * (j * m + k)];
          double bi = -a[2 * (j * m + k) + 1];
          re += scaled[k] * (ar * br - ai * bi);
          im += scaled[k] * (ar * bi + ai * br);
        }
        root[2 * (i * m + j)] = re;
        root[2 * (i * m + j) + 1] = im;
      }
    }
    return root;
  }
}
