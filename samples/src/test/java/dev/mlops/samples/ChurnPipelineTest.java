package dev.mlops.samples;

import static dev.mlops.testing.MlopsAssertions.assertReproducible;
import static dev.mlops.testing.MlopsAssertions.assertThatModel;
import static dev.mlops.testing.MlopsAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.monitoring.Table;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.testing.MlopsTest;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The demo's pipeline and model, tested with mlops-testing as a user would test theirs. */
@MlopsTest
class ChurnPipelineTest {
  Mlops m;

  private Path workspace() throws Exception {
    Path ws = m.config().workspace();
    Files.createDirectories(ws.resolve("data"));
    try (InputStream in = Demo.class.getResourceAsStream("churn.csv")) {
      Files.write(ws.resolve("data/churn.csv"), in.readAllBytes());
    }
    Files.writeString(
        ws.resolve("params.yaml"),
        "prepare:\n  test_fraction: 0.25\n  seed: 7\ntrain:\n  lr: 0.5\n  l2: 0.001\n"
            + "  epochs: 300\n");
    return ws;
  }

  private static Map<String, Object> asMap(Object prediction) {
    return Map.of("prediction", prediction);
  }

  @Test
  void thePipelineIsReproducibleAndItsModelBeatsTheBaseline() throws Exception {
    Path ws = workspace();
    Pipeline pipeline = Demo.pipeline(ws);
    Map<String, String> hashes = assertReproducible(pipeline);
    assertThat(hashes)
        .containsOnlyKeys("data/train.csv", "data/test.csv", "model/churn.model", "metrics.json");

    assertThat(m.pipelines().repro(pipeline).succeeded()).isTrue();
    ChurnModel model = ChurnModel.load(ws.resolve("model/churn.model"));
    BatchPredictor<Map<String, Object>, Object> predictor =
        batch ->
            batch.stream()
                .map(
                    row ->
                        (Object)
                            asMap(
                                model.probability(
                                            new Customer(
                                                (String) row.get("customer_id"),
                                                ((Double) row.get("tenure_months")).intValue(),
                                                (Double) row.get("monthly_charges"),
                                                ((Double) row.get("support_calls")).intValue(),
                                                (String) row.get("contract"),
                                                ((Double) row.get("age")).intValue(),
                                                0))
                                        >= 0.5
                                    ? 1.0
                                    : 0.0))
                .collect(Collectors.toList());
    Table test = Table.readCsv(ws.resolve("data/test.csv"));
    double churnRate =
        Customer.readCsv(ws.resolve("data/test.csv")).stream()
            .mapToInt(Customer::churned)
            .average()
            .orElseThrow();
    // better than always answering the majority class
    double baseline = Math.max(churnRate, 1 - churnRate);
    var evaluation = assertThatModel(predictor).on(test, "churned").hasAccuracyAtLeast(baseline);
    assertThat(evaluation.accuracy()).isGreaterThan(0.75);

    Run run =
        m.tracking()
            .run("churn", r -> r.metric("accuracy", evaluation.accuracy()).param("lr", 0.5));
    assertThatRun(run)
        .hasStatus(RunStatus.FINISHED)
        .hasParam("lr", 0.5)
        .hasMetric("accuracy")
        .atLeast(baseline);
  }
}
