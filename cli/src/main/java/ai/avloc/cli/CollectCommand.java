package ai.avloc.cli;

import ai.avloc.cli.replay.ArchiveSeconds;
import ai.avloc.schemas.Topics;
import ai.avloc.training.data.SiteDataset;
import ai.avloc.training.data.SyntheticDataset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "collect",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a site's training set (ACIVW layout, as synth writes) from the Kafka archive: the",
      "array camera's beamformed acoustic images are the targets, the mono camera's frames and audio",
      "(or with --same-camera the array camera's frames and reference microphone) the inputs, per",
      "1/12 s window, split into training/validation/testing by contiguous time blocks, with a",
      "dataset card. Fine-tune on it with train --start-from MODEL --data DIR."
    })
final class CollectCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX)
  String prefix;

  @Option(names = "--array-stream", required = true, description = "the array camera's stream id")
  String arrayStream;

  @Option(
      names = "--mono-stream",
      description = "the ordinary camera whose frames and audio are the inputs")
  String monoStream;

  @Option(
      names = "--same-camera",
      description = "inputs from the array camera itself: its frames and reference microphone (0)")
  boolean sameCamera;

  @Option(names = "--from", required = true, description = "start of the range (ISO-8601, -2h)")
  Instant from;

  @Option(names = "--to", required = true, description = "end of the range, exclusive")
  Instant to;

  @Option(names = "--out", required = true, description = "output directory (must be empty)")
  Path out;

  @Option(
      names = "--split",
      defaultValue = "80/10/10",
      description = "training/validation/testing percentages of the time blocks (default 80/10/10)")
  String split;

  @Option(
      names = "--block",
      defaultValue = "60s",
      description = "length of a split block (default 60s): whole blocks go to one split")
  Duration block;

  @Option(
      names = "--fov",
      defaultValue = "65x50",
      description = "the cameras' field of view in degrees, HxV (default 65x50, the job's)")
  String fov;

  @Option(
      names = "--arrival-slack",
      defaultValue = "10s",
      description =
          "how far from its event time a camera record's Kafka timestamp may be (default 10s;"
              + " minutes for an archive a gateway published at --rate max)")
  Duration arrivalSlack;

  @Option(
      names = "--force",
      description = "write into a non-empty directory, replacing a previous dataset's files there")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (sameCamera == (monoStream != null)) {
      throw new IllegalArgumentException("give either --mono-stream STREAM or --same-camera");
    }
    String[] view = fov.toLowerCase(Locale.ROOT).split("x");
    if (view.length != 2) {
      throw new IllegalArgumentException("--fov is HxV degrees like 65x50, got '" + fov + "'");
    }
    if (block.toSeconds() < 1 || block.toNanosPart() != 0) {
      throw new IllegalArgumentException("--block is a whole number of seconds, got " + block);
    }
    SiteDataset.Config config =
        new SiteDataset.Config(
            arrayStream,
            sameCamera ? arrayStream : monoStream,
            sameCamera,
            from,
            to,
            SyntheticDataset.Config.parseSplit(split),
            block.toSeconds(),
            Double.parseDouble(view[0]),
            Double.parseDouble(view[1]));
    long rangeSeconds = Duration.between(from, to).toSeconds();
    requireBlocksForEverySplit(config.split(), rangeSeconds, block.toSeconds());
    SynthCommand.prepare(out, force);
    System.out.printf(
        Locale.ROOT,
        "collect: %s (array) and %s (inputs), %s to %s (%d s) into %s, split %s by %d s blocks%n",
        arrayStream,
        config.inputStream(),
        from,
        to,
        rangeSeconds,
        out,
        split,
        block.toSeconds());
    long t0 = System.nanoTime();
    SiteDataset.Summary summary;
    try (SiteDataset dataset = new SiteDataset(config, out);
        ArchiveSeconds archive =
            new ArchiveSeconds(
                kafka.requiredConnection(), Topics.withPrefix(prefix), config, arrivalSlack)) {
      long[] lastLine = {System.nanoTime()};
      Map<String, Long> skipped =
          archive.read(
              second -> {
                dataset.add(second);
                long now = System.nanoTime();
                if (now - lastLine[0] >= 10_000_000_000L) {
                  lastLine[0] = now;
                  System.out.printf(
                      Locale.ROOT,
                      "collect: %d s written, at %s, %.0f s%n",
                      dataset.seconds(),
                      Instant.ofEpochSecond(second.epochSecond() + 1),
                      (now - t0) / 1e9);
                }
              });
      summary = dataset.finish(skipped);
      System.out.printf(
          Locale.ROOT,
          "collect: %d s (%.3f h), %d windows: %d training, %d validation, %d testing (%d/%d/%d"
              + " blocks); %d windows with a source, %.1f %% noise only; skipped %s; %.1f s%n",
          summary.seconds(),
          summary.hours(),
          summary.windows(),
          summary.windowsPerSplit()[0],
          summary.windowsPerSplit()[1],
          summary.windowsPerSplit()[2],
          summary.blocksPerSplit()[0],
          summary.blocksPerSplit()[1],
          summary.blocksPerSplit()[2],
          summary.sourceWindows(),
          100 * summary.noiseOnlyShare(),
          skipped.isEmpty() ? "nothing" : skipped,
          (System.nanoTime() - t0) / 1e9);
    }
    System.out.println("collect: card " + out.resolve("dataset.json"));
    return 0;
  }

  /**
   * Refuses a range too short for its split before minutes of reading: whole blocks go to one split
   * each, so 5 blocks at 80/10/10 leave testing empty, and evaluate would have nothing to score.
   */
  static void requireBlocksForEverySplit(int[] split, long rangeSeconds, long blockSeconds) {
    long blocks = Math.max(1, (rangeSeconds + blockSeconds - 1) / blockSeconds);
    long[] given = SiteDataset.blocksPerSplit(split, blocks);
    String[] names = {"training", "validation", "testing"};
    for (int i = 0; i < split.length; i++) {
      if (split[i] > 0 && given[i] == 0) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%d s in blocks of %d s is %d block(s), and %s gets none of them at --split"
                    + " %d/%d/%d: give a longer range or a shorter --block",
                rangeSeconds,
                blockSeconds,
                blocks,
                names[i],
                split[0],
                split[1],
                split[2]));
      }
    }
  }
}
