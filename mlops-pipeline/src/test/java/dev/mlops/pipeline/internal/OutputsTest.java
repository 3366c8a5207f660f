package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.StageOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputsTest {
  @TempDir Path ws;

  @Test
  void persistOutputsSurviveAndOthersAreRemovedBeforeTheRun() throws Exception {
    Files.writeString(ws.resolve("in.txt"), "1\n");
    Pipeline p =
        Pipeline.builder("o")
            .stage(
                "s",
                s ->
                    s.cmd("echo run >> kept.log; test ! -e fresh.txt && echo new > fresh.txt")
                        .deps("in.txt")
                        .out("kept.log", false, true)
                        .outs("fresh.txt"))
            .build();
    List<long[]> progress = new CopyOnWriteArrayList<>();
    try (PipelinesImpl pipelines =
        new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty)) {
      PipelineRun r =
          pipelines.repro(
              p,
              ReproOptions.defaults()
                  .listener((task, done, total) -> progress.add(new long[] {done, total})));
      assertThat(r.stage("s").outcome()).isEqualTo(StageOutcome.RAN);
      assertThat(progress).extracting(a -> a[0] + "/" + a[1]).containsExactly("1/1");
      Files.writeString(ws.resolve("in.txt"), "2\n");
      // fresh.txt is deleted before the run (else `test ! -e` fails); kept.log is kept
      PipelineRun again = pipelines.repro(p);
      assertThat(again.stage("s").outcome())
          .as(again.stage("s").message())
          .isEqualTo(StageOutcome.RAN);
      assertThat(Files.readAllLines(ws.resolve("kept.log"))).containsExactly("run", "run");
      assertThat(again.log("s")).contains("$ echo run >> kept.log");
    }
  }

  @Test
  void wdirAndParamsFromAnotherFile() throws Exception {
    Files.createDirectories(ws.resolve("sub"));
    Files.writeString(ws.resolve("sub/conf.json"), "{\"model\": {\"depth\": 4}}");
    Pipeline p =
        Pipeline.builder("w")
            .stage(
                "j",
                s ->
                    s.wdir("sub")
                        .run(ctx -> Files.writeString(ctx.path("d.txt"), ctx.param("model.depth")))
                        .paramsFrom("conf.json", "model.depth")
                        .outs("d.txt"))
            .build();
    try (PipelinesImpl pipelines =
        new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty)) {
      assertThat(pipelines.repro(p).succeeded()).isTrue();
      assertThat(Files.readString(ws.resolve("sub/d.txt"))).isEqualTo("4");
      assertThat(Files.readString(ws.resolve("dvc.lock")))
          .contains("      conf.json:\n        model.depth: 4\n");
      Files.writeString(ws.resolve("sub/conf.json"), "{\"model\": {\"depth\": 5}}");
      assertThat(pipelines.status(p).stale().get("j"))
          .containsExactly("param conf.json:model.depth changed");
    }
  }
}
