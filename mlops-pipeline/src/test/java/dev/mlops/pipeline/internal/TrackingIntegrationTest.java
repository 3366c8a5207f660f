package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With mlops-tracking present: a repro is a run, each stage a child run. */
class TrackingIntegrationTest {
  @TempDir Path ws;

  @Test
  void reproIsARunWithAChildPerStage() throws Exception {
    Files.writeString(ws.resolve("params.yaml"), "train:\n  lr: 0.01\n  epochs: 3\n");
    Files.writeString(ws.resolve("raw.csv"), "a,b\n1,2\n");
    try (Mlops m = Mlops.builder().home(ws.resolve(".mlops")).build()) {
      Pipeline p =
          Pipeline.builder("churn")
              .stage(
                  "prepare",
                  s -> s.cmd("cp raw.csv prepared.csv").deps("raw.csv").outs("prepared.csv"))
              .stage(
                  "train",
                  s ->
                      s.run(
                              ctx -> {
                                assertThat(ctx.run()).isPresent();
                                ctx.run().get().metric("loss", 0.25, 1);
                                Files.writeString(
                                    ctx.path("model.bin"), "model lr=" + ctx.param("train.lr"));
                                Files.writeString(
                                    ctx.path("metrics.json"),
                                    "{\"accuracy\": 0.91, \"cm\": {\"tp\": 5}}");
                              })
                          .deps("prepared.csv")
                          .params("train.lr", "train.epochs")
                          .outs("model.bin")
                          .metrics("metrics.json"))
              .build();
      PipelineRun r = m.pipelines().repro(p);
      assertThat(r.succeeded()).isTrue();
      String parentId = r.trackingRunId().orElseThrow();
      Run parent = m.tracking().get(parentId);
      assertThat(parent.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(parent.tags()).containsEntry("mlops.pipeline", "churn");

      List<Run> all =
          StreamSupport.stream(m.tracking().search(RunQuery.in("churn")).spliterator(), false)
              .collect(Collectors.toList());
      List<Run> children =
          all.stream().filter(x -> parentId.equals(x.parentId())).collect(Collectors.toList());
      assertThat(children).extracting(Run::name).containsExactlyInAnyOrder("prepare", "train");
      Run train = children.stream().filter(c -> c.name().equals("train")).findFirst().orElseThrow();
      assertThat(train.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(train.params())
          .containsEntry("train.lr", "0.01")
          .containsEntry("train.epochs", "3");
      assertThat(train.metrics())
          .containsEntry("accuracy", 0.91)
          .containsEntry("cm.tp", 5.0)
          .containsEntry("loss", 0.25);
      String modelMd5 = Hashing.md5(ws.resolve("model.bin"));
      assertThat(train.tags())
          .containsEntry("mlops.pipeline.out.model.bin", modelMd5)
          .containsEntry("mlops.pipeline.outcome", "RAN");

      // the search grammar finds pipeline results
      List<Run> found =
          StreamSupport.stream(
                  m.tracking()
                      .search(RunQuery.in("churn").filter("metrics.accuracy > 0.9"))
                      .spliterator(),
                  false)
              .collect(Collectors.toList());
      assertThat(found).extracting(Run::id).containsExactly(train.id());
    }
  }
}
