package ai.avloc.training.dualcam;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Trains a {@link DualCamNet} as the reference does (uvae-reference.md §6.1): softmax
 * cross-entropy, Adam 1e-4, batches of 32 clips in a shuffled order each epoch, and keeps the epoch
 * with the best validation accuracy, a tie going to the lower validation loss. Without validation
 * clips the epochs are judged by the training pass's own accuracy and loss.
 */
public final class DualCamTraining {
  public static final int BATCH = 32;

  /** Told after every epoch. */
  @FunctionalInterface
  public interface Listener {
    void epoch(Epoch epoch, int epochs);

    Listener NONE = (epoch, epochs) -> {};
  }

  /**
   * One epoch's scores.
   *
   * @param number 1-based
   * @param trainLoss mean loss of the epoch's batches, each before its step
   * @param trainAccuracy share of the training clips classified right, each before its step
   * @param accuracy the validation accuracy (the training pass's without validation clips)
   * @param loss the validation loss (the training pass's without validation clips)
   * @param seconds wall time of the epoch with its validation
   */
  public record Epoch(
      int number,
      double trainLoss,
      double trainAccuracy,
      double accuracy,
      double loss,
      double seconds) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "epoch %d: loss %.4f, accuracy %.3f (training %.4f, %.3f), %.1f s",
          number,
          loss,
          accuracy,
          trainLoss,
          trainAccuracy,
          seconds);
    }
  }

  /** Accuracy and mean loss of a network on a set of clips. */
  public record Score(double accuracy, double loss) {}

  /** The trained network, holding the best epoch's weights, and every epoch's scores. */
  public record Trained(DualCamNet net, Epoch best, List<Epoch> history) {}

  private DualCamTraining() {}

  /**
   * The best of the epochs: highest accuracy, ties to the lower loss, then to the earlier epoch.
   */
  public static Epoch best(List<Epoch> epochs) {
    Epoch best = null;
    for (Epoch e : epochs) {
      if (best == null
          || e.accuracy() > best.accuracy()
          || (e.accuracy() == best.accuracy() && e.loss() < best.loss())) {
        best = e;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no epochs");
    }
    return best;
  }

  /**
   * Trains a new network for {@code epochs} epochs and leaves it with the best epoch's weights.
   *
   * @param seed seeds the initial weights and the order of the clips
   */
  public static Trained train(
      int classes,
      ClipSet training,
      ClipSet validation,
      int epochs,
      int batch,
      long seed,
      Listener listener) {
    if (training.size() == 0) {
      throw new IllegalArgumentException("no training clips");
    }
    if (epochs < 1 || batch < 1) {
      throw new IllegalArgumentException("epochs and batch must be at least 1");
    }
    DualCamNet net = new DualCamNet(classes, seed);
    try {
      Random order = new Random(seed ^ 0x5DEECE66DL);
      List<Epoch> history = new ArrayList<>();
      float[] values = new float[batch * DualCamNet.CLIP_VALUES];
      int[] labels = new int[batch];
      float[] logits = new float[batch * classes];
      int[] indices = new int[training.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = i;
      }
      Epoch best = null;
      float[][] bestWeights = null;
      for (int epoch = 1; epoch <= epochs; epoch++) {
        long start = System.nanoTime();
        shuffle(indices, order);
        double lossSum = 0;
        int right = 0;
        for (int from = 0; from < indices.length; from += batch) {
          int count = Math.min(batch, indices.length - from);
          for (int k = 0; k < count; k++) {
            int i = indices[from + k];
            training.copy(i, values, k * DualCamNet.CLIP_VALUES);
            labels[k] = training.label(i);
          }
          lossSum += net.train(values, labels, count, logits) * count;
          for (int k = 0; k < count; k++) {
            if (argmax(logits, k, classes) == labels[k]) {
              right++;
            }
          }
        }
        double trainLoss = lossSum / indices.length;
        double trainAccuracy = (double) right / indices.length;
        Score v =
            validation.size() > 0
                ? score(net, validation, batch)
                : new Score(trainAccuracy, trainLoss);
        Epoch e =
            new Epoch(
                epoch,
                trainLoss,
                trainAccuracy,
                v.accuracy(),
                v.loss(),
                (System.nanoTime() - start) / 1e9);
        history.add(e);
        if (best(List.of(best == null ? e : best, e)) == e) {
          best = e;
          bestWeights = net.weights();
        }
        listener.epoch(e, epochs);
      }
      net.load(bestWeights);
      return new Trained(net, best, List.copyOf(history));
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /** Accuracy and mean softmax cross-entropy of the network's clip logits on {@code clips}. */
  public static Score score(DualCamNet net, ClipSet clips, int batch) {
    if (clips.size() == 0) {
      throw new IllegalArgumentException("no clips to score");
    }
    int classes = net.classes();
    float[] values = new float[batch * DualCamNet.CLIP_VALUES];
    int right = 0;
    double lossSum = 0;
    for (int from = 0; from < clips.size(); from += batch) {
      int count = Math.min(batch, clips.size() - from);
      for (int k = 0; k < count; k++) {
        clips.copy(from + k, values, k * DualCamNet.CLIP_VALUES);
      }
      float[] logits = net.logits(values, count);
      for (int k = 0; k < count; k++) {
        int label = clips.label(from + k);
        if (argmax(logits, k, classes) == label) {
          right++;
        }
        lossSum += crossEntropy(logits, k, classes, label);
      }
    }
    return new Score((double) right / clips.size(), lossSum / clips.size());
  }

  static int argmax(float[] logits, int row, int classes) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (logits[row * classes + c] > logits[row * classes + best]) {
        best = c;
      }
    }
    return best;
  }

  /** -log softmax(logits)[label], computed stably. */
  static double crossEntropy(float[] logits, int row, int classes, int label) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, logits[row * classes + c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += Math.exp(logits[row * classes + c] - max);
    }
    return Math.log(sum) + max - logits[row * classes + label];
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
