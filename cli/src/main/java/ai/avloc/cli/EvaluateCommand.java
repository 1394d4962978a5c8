package ai.avloc.cli;

import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.dualcam.DualCamTraining;
import ai.avloc.training.dualcam.GanEvaluation;
import ai.avloc.training.metrics.Evaluation;
import ai.avloc.training.metrics.EvaluationOutput;
import ai.avloc.training.metrics.EvaluationRun;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Scores models on a dataset split the paper's way: MSE, IoU@0.5 and AUC of the energy maps,"
          + " cIoU against annotated boxes, per class; with the ablations (black image,"
          + " background-noise audio), the tiled-MFCC and centre-prior baselines, and a check"
          + " that noise-only frames give flat maps. KNN: accuracy of a 15-nearest-neighbour"
          + " classifier of each model's latents into the classes, leave-one-scene-out over the"
          + " split (models exported before the latent output have none until"
          + " 'avloc model reexport').",
      "With --dualcamnet, the paper's GAN-test and GAN-train (Table 1): DualCamNet trained on"
          + " the training list's real acoustic images and tested on the split's real, generated"
          + " and tiled-MFCC images; trained on each model's generated images (tested on"
          + " generated and real) and on tiled MFCC (tested on real); mean ± std over seeds.",
      "Writes OUT/evaluation.json, OUT/success.png and OUT/grid.png."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      description = "model directory (SavedModel + model.json); repeat for several")
  List<Path> modelDirs;

  @Option(names = "--data", required = true, description = "dataset root (lists/, *.tfrecord)")
  Path data;

  @Option(
      names = "--split",
      defaultValue = "testing",
      description = "training, validation or testing (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--out",
      defaultValue = "runs/evaluation",
      description = "output directory (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--grid",
      defaultValue = "16",
      description = "frames in grid.png, spread over the split (default: ${DEFAULT-VALUE})")
  int grid;

  @Option(
      names = "--max-seconds",
      defaultValue = "0",
      description = "at most this many seconds, spread over the list; 0 = all (default: 0)")
  int maxSeconds;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "frames per model call (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--threads",
      description = "threads parsing seconds (default: the machine's cores)")
  Integer threads;

  @Option(
      names = "--flat-threshold",
      description =
          "peak contrast (max - median) / median below which an energy map reads as flat"
              + " (default: derived from the ground truth's maps)")
  Double flatThreshold;

  @Option(
      names = "--flat-noise-share",
      defaultValue = "0.97",
      description =
          "share of noise-only maps that each row's second threshold reads as flat (default"
              + " 0.97; read it on validation, give it to the test run with --flat-threshold)")
  double flatNoiseShare;

  @Option(
      names = "--confirm",
      defaultValue = "2/3",
      description =
          "NEEDED/WINDOWS: a stream publishes a source when its window's map and NEEDED - 1 of"
              + " the WINDOWS - 1 windows before it are not flat (each second of the data is one"
              + " stream, and only its windows with the whole history count); the \"confirmed\""
              + " flat shares use it (default 2/3, 1/1 for none)")
  String confirm;

  @Option(
      names = "--prior-sigma",
      defaultValue = "" + Evaluation.Options.PRIOR_SIGMA,
      description = "centre prior's sigma as a fraction of each side (default: ${DEFAULT-VALUE})")
  double priorSigma;

  @Option(
      names = "--update-card",
      description =
          "write the first model's scores on this split (IoU@0.5, AUC, MSE, cIoU@0.5, noise-only"
              + " flat shares) and the flat-map threshold and confirmation rule used into its"
              + " model.json")
  boolean updateCard;

  @Option(
      names = "--dualcamnet",
      description =
          "also train DualCamNet and report GAN-test and GAN-train (evaluation.json's"
              + " dualcamnet); needs the dataset's training list")
  boolean dualcamnet;

  @Option(
      names = "--dualcam-epochs",
      defaultValue = "" + GanEvaluation.Options.EPOCHS,
      description = "epochs of each DualCamNet training (default ${DEFAULT-VALUE}; the paper: 100)")
  int dualcamEpochs;

  @Option(
      names = "--dualcam-seeds",
      defaultValue = "" + GanEvaluation.Options.SEEDS,
      description = "trainings of each kind, for mean ± std (default ${DEFAULT-VALUE})")
  int dualcamSeeds;

  @Option(
      names = "--dualcam-clips",
      defaultValue = "0",
      description =
          "at most this many seconds each of the training and validation lists, spread over the"
              + " list, for DualCamNet (every model generates images of each); the clips stay in"
              + " memory, about 1 MB each for the real images and 1 MB more per model; 0 = all"
              + " (default)")
  int dualcamClips;

  @Option(
      names = "--dualcam-batch",
      defaultValue = "" + DualCamTraining.BATCH,
      description = "DualCamNet clips per step (default ${DEFAULT-VALUE})")
  int dualcamBatch;

  @Override
  public Integer call() throws Exception {
    Split chosen = Split.parse(split);
    EvaluationRun.Options options =
        new EvaluationRun.Options(
            modelDirs,
            data,
            chosen,
            maxSeconds,
            threads != null ? threads : Runtime.getRuntime().availableProcessors(),
            EvaluationRun.CHUNK_SECONDS,
            new Evaluation.Options(
                batch,
                grid,
                flatThreshold == null ? Double.NaN : flatThreshold,
                priorSigma,
                flatNoiseShare,
                SourceConfirmation.parse(confirm)),
            out,
            updateCard);
    try (EvaluationRun run = EvaluationRun.prepare(options)) {
      System.out.printf(
          Locale.ROOT,
          "avloc evaluate: %d model(s) on %s %s, %d seconds (%d frames)%s%n",
          run.modelNames().size(),
          data,
          chosen.name().toLowerCase(Locale.ROOT),
          run.seconds(),
          run.frames(),
          run.noiseOnlyClass().isPresent()
              ? ", noise-only class " + run.noiseOnlyClass().getAsLong()
              : "");
      // DualCamNet's options and training list are checked before the evaluation runs
      GanEvaluation.Options gan = null;
      if (dualcamnet) {
        gan =
            new GanEvaluation.Options(
                dualcamEpochs,
                dualcamSeeds,
                dualcamBatch,
                dualcamClips,
                maxSeconds,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        if (!run.dataset().has(Split.TRAINING)) {
          throw new IllegalArgumentException(
              "--dualcamnet trains on the training list, and "
                  + data.resolve("lists").resolve(Split.TRAINING.fileName())
                  + " does not exist");
        }
      }
      EvaluationRun.Result result;
      try (ProgressBar bar =
          ProgressBars.builder("evaluate")
              .setInitialMax(run.frames())
              .setUnit(" frames", 1)
              .showSpeed(new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
              .build()) {
        result =
            run.evaluate(
                (done, all) -> {
                  bar.maxHint(all);
                  bar.stepTo(done);
                });
      }
      Evaluation.Report report = result.report();
      if (result.card() != null) {
        System.out.println("updated " + result.card());
      }
      System.out.println();
      System.out.print(EvaluationOutput.table(report));
      System.out.println();
      System.out.print(EvaluationOutput.classTable(report));
      System.out.println();
      System.out.print(EvaluationOutput.flatnessTable(report));
      System.out.printf(
          Locale.ROOT,
          "%n%d frames in %.1f s (%.1f frames/s); wrote %s, %s%s%n",
          report.frames(),
          result.seconds(),
          report.frames() / result.seconds(),
          out.resolve(EvaluationOutput.JSON_FILE),
          out.resolve(EvaluationOutput.SUCCESS_FILE),
          report.grid().isEmpty() ? "" : ", " + out.resolve(EvaluationOutput.GRID_FILE));
      if (gan != null) {
        System.out.println();
        GanEvaluation.Report dualcam =
            GanEvaluation.run(run.dataset(), chosen, run.models(), gan, System.out::println);
        EvaluationOutput.putJson(
            out.resolve(EvaluationOutput.JSON_FILE), GanEvaluation.JSON_KEY, dualcam);
        System.out.println();
        System.out.print(GanEvaluation.table(dualcam));
        System.out.printf(
            Locale.ROOT,
            "DualCamNet in %.1f s; wrote %s's %s%n",
            dualcam.seconds(),
            out.resolve(EvaluationOutput.JSON_FILE),
            GanEvaluation.JSON_KEY);
      }
      return 0;
    }
  }
}
