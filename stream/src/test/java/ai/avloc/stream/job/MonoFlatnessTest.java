package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.serving.ModelCard;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonoFlatnessTest {
  static ModelCard card(Map<String, Double> metrics) {
    return new ModelCard(
        "m", "1", "compact", 224, 298, 1, true, "data", metrics, "test", Map.of(), Map.of());
  }

  @Test
  void theJobsThresholdWinsThenTheCardsThenTheDefault() {
    ModelCard measured = card(Map.of("flatContrast", 0.002));
    assertEquals(0.9, MonoInference.flatnessLimit(0.9, measured), 0);
    // contrast c = max/median - 1, flatness = 2 / (1 + max/median) = 2 / (2 + c)
    assertEquals(2 / 2.002, MonoInference.flatnessLimit(Double.NaN, measured), 1e-12);
    assertEquals(
        MonoInference.DEFAULT_MAX_FLATNESS,
        MonoInference.flatnessLimit(Double.NaN, card(Map.of())),
        0);
    assertEquals(
        Double.NaN, JobConfig.parse(new String[] {"--bootstrap", "h:1"}).monoMaxFlatness());
    assertEquals(
        0.5,
        JobConfig.parse(new String[] {"--bootstrap", "h:1", "--mono-max-flatness", "0.5"})
            .monoMaxFlatness());
  }
}
