package ai.avloc.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * grafana/avloc.json asks only for metrics avloc exports, as docs/operations.md names them (the
 * names come from scrapes of the demo), so that the board does not silently draw nothing after a
 * metric is renamed; and grafana/prometheus.yml scrapes flink-start's default ports.
 */
class GrafanaBoardTest {
  private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
  private static final Pattern METRIC = Pattern.compile("\\b((?:flink|avloc|kafka)_[A-Za-z_]+)\\b");

  @Test
  void everyPanelQueriesDocumentedMetrics() throws Exception {
    JsonNode board = new ObjectMapper().readTree(Path.of("grafana/avloc.json").toFile());
    String docs = Files.readString(Path.of("../docs/operations.md"));
    assertEquals("avloc-overview", board.get("uid").asText());
    List<String> expressions = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : board.get("panels")) {
      assertTrue(ids.add(panel.get("id").asInt()), "panel ids are unique");
      assertTrue(panel.get("targets").size() > 0, panel.get("title").asText());
      panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
    }
    Set<String> metrics = new HashSet<>();
    for (String e : expressions) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        metrics.add(m.group(1));
      }
    }
    assertTrue(metrics.size() >= 15, "the board covers the job, alerts and gateway: " + metrics);
    for (String metric : metrics) {
      // the docs name a job operator's metric by its own name, the scope prefix once
      String named = metric.startsWith(OPERATOR) ? metric.substring(OPERATOR.length()) : metric;
      assertTrue(docs.contains("`" + named + "`"), metric + " is documented in operations.md");
    }
  }

  @Test
  void prometheusScrapesFlinkStartsDefaultPorts() throws Exception {
    String config = Files.readString(Path.of("grafana/prometheus.yml"));
    assertTrue(config.contains("'127.0.0.1:9249', '127.0.0.1:9250'"), config);
    String start = Files.readString(Path.of("bin/flink-start"));
    assertTrue(start.contains("metrics_port=9249"), "flink-start's default is the one scraped");
  }
}
