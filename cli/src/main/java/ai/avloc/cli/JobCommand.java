package ai.avloc.cli;

import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the localization job in this JVM on a local Flink MiniCluster (on a session cluster,"
          + " submit the stream module's jar with infra/bin/flink-submit instead).",
      "Options are the job's own: " + JobConfig.USAGE
    })
final class JobCommand implements Callable<Integer> {
  @Unmatched String[] args = new String[0];

  @Override
  public Integer call() throws Exception {
    JobConfig config = JobConfig.parse(args); // refuse bad options before Flink starts
    for (String created :
        TopicAdmin.createMissing(
            config.bootstrapServers(),
            TopicAdmin.standard(Topics.withPrefix(config.topicPrefix()), 4))) {
      System.out.println("created topic " + created);
    }
    LocalizationJob.main(args);
    return 0;
  }
}
