package ai.avloc.cli.replay;

import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topics;
import ai.avloc.stream.job.ReplayRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The hook where a replay writes a stream's evidence clip, {@code DIR/<stream>.mp4}: {@link
 * ReplayRun} calls it once per replayed stream, after the job, when the replay has an output folder
 * and an exporter.
 */
@FunctionalInterface
public interface ClipExport {
  /**
   * What a clip is made of: the archive it was replayed from (the camera topics of {@code topics}
   * on {@code bootstrap}, the events {@code range} kept), and the stream's replayed localizations
   * (energy maps included), in window order.
   *
   * @param mp4 the file to write, {@code DIR/<stream>.mp4}
   */
  record Stream(
      KafkaConnection bootstrap,
      Topics topics,
      ReplayRange range,
      String streamId,
      List<Localization> localizations,
      Path mp4) {}

  /** Writes {@code stream.mp4()}. */
  void write(Stream stream) throws IOException;
}
