package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelSource;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelLoader;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.PredictionRecord;
import dev.mlops.serving.RequestHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README quick start, compiled and run (keep the two in sync). */
class ReadmeQuickStartTest {
  record Features(double age, double income) {}

  record Score(double churn) {}

  @TempDir Path home;
  @TempDir Path modelDir;

  @Test
  void quickStartRuns() throws Exception {
    try (Mlops m = Mlops.open(home)) {
      Endpoint<Features, Score> ep =
          m.serving()
              .endpoint(
                  "churn",
                  Features.class,
                  (List<Features> batch) ->
                      batch.stream().map(f -> new Score(f.age() / 100)).toList())
              .batching(64, Duration.ofMillis(2))
              .maxQueue(1024)
              .timeout(Duration.ofSeconds(1))
              .logging(0.1)
              .redact("email")
              .build();
      Score s = ep.predict(new Features(42, 1.5));
      List<Score> all = ep.predictAll(List.of(new Features(1, 1), new Features(2, 2)));
      assertThat(s.churn()).isEqualTo(0.42);
      assertThat(all).hasSize(2);

      try (ModelServer srv = m.serving().server().port(0).bind("127.0.0.1").add(ep).start()) {
        assertThat(srv.port()).isPositive();
      }
      RequestHandler handler = m.serving().handler().add(ep).build();
      assertThat(handler).isNotNull();

      Files.writeString(modelDir.resolve("weight.txt"), "0.5");
      int v = m.registry().register("churn-model", ModelSource.ofPath(modelDir)).version();
      m.registry().assignStage("churn-model", v, "production");
      ModelLoader<Features, Score> loader =
          (dir, version) -> {
            double w = Double.parseDouble(Files.readString(dir.resolve("weight.txt")).trim());
            return batch -> batch.stream().map(f -> new Score(f.age() * w)).toList();
          };
      Endpoint<Features, Score> live =
          m.serving()
              .endpoint(ModelRef.parse("churn-model#production"), Features.class, loader)
              .warmup(new Features(40, 1))
              .build();
      assertThat(live.predict(new Features(10, 0)).churn()).isEqualTo(5);
      List<PredictionRecord> rows = m.serving().log("churn");
      // sampled at 0.1: none to all 3 rows of the two calls (all 3 has a 1% chance), and only
      // those of the "churn" endpoint
      assertThat(rows.size()).isLessThanOrEqualTo(3);
      assertThat(rows).allSatisfy(r -> assertThat(r.endpoint()).isEqualTo("churn"));
    }
  }
}
