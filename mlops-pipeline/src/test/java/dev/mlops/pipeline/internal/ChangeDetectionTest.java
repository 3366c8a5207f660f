package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.StageOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeDetectionTest {
  @TempDir Path ws;
  PipelinesImpl pipelines;

  @BeforeEach
  void setUp() throws IOException {
    pipelines = new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty);
    Files.writeString(ws.resolve("in.txt"), "hello\n");
    Files.writeString(ws.resolve("params.yaml"), "train:\n  lr: 0.01\n  epochs: 3\n");
  }

  @AfterEach
  void tearDown() {
    pipelines.close();
  }

  private Pipeline pipeline(String cmd) {
    return Pipeline.builder("cd")
        .stage("copy", s -> s.cmd(cmd).deps("in.txt").params("train.lr").outs("out.txt"))
        .stage("count", s -> s.cmd("wc -c < out.txt > n.txt").deps("out.txt").outs("n.txt"))
        .build();
  }

  @Test
  void anExecutableDepOrOutIsMarkedIsexecInTheLockAsDvcDoes() throws IOException {
    Path script = ws.resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\ncp in.txt out.sh\nchmod +x out.sh\n");
    script.toFile().setExecutable(true);
    Pipeline p =
        Pipeline.builder("exec")
            .stage("s", st -> st.cmd("./run.sh").deps("run.sh", "in.txt").outs("out.sh"))
            .build();
    assertThat(pipelines.repro(p).succeeded()).isTrue();
    String lock = Files.readString(ws.resolve("dvc.lock"));
    assertThat(lock)
        .contains("    - path: run.sh\n      hash: md5\n")
        .containsPattern("path: run.sh\n(.*\n){3}      isexec: true\n")
        .containsPattern("path: out.sh\n(.*\n){3}      isexec: true\n")
        .doesNotContainPattern("path: in.txt\n(.*\n){3}      isexec");
    assertThat(pipelines.status(p).stale()).isEmpty();
  }

  @Test
  void eachReasonIsReported() throws IOException {
    Pipeline p = pipeline("cp in.txt out.txt");
    assertThat(pipelines.status(p).stale())
        .containsEntry("copy", java.util.List.of("new stage (not in dvc.lock)"))
        .containsKey("count");
    PipelineRun r = pipelines.repro(p);
    assertThat(r.succeeded()).isTrue();
    assertThat(r.stage("copy").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(pipelines.status(p).stale()).isEmpty();
    assertThat(pipelines.status(p).upToDate()).isTrue();

    // cmd
    assertThat(pipelines.status(pipeline("cp  in.txt out.txt")).stale())
        .containsOnlyKeys("copy")
        .containsEntry("copy", java.util.List.of("cmd changed"));

    // dep changed, then back: up to date again (content, not mtime)
    Files.writeString(ws.resolve("in.txt"), "changed\n");
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("dep in.txt changed");
    Files.writeString(ws.resolve("in.txt"), "hello\n");
    assertThat(pipelines.status(p).stale()).isEmpty();

    // param
    Files.writeString(ws.resolve("params.yaml"), "train:\n  lr: 0.02\n  epochs: 3\n");
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("param train.lr changed");
    // a param that is not listed does not matter; 0.01 == 0.010
    Files.writeString(ws.resolve("params.yaml"), "train:\n  lr: 0.010\n  epochs: 4\n");
    assertThat(pipelines.status(p).stale()).isEmpty();

    // out changed / missing
    Files.writeString(ws.resolve("out.txt"), "tampered\n");
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("out out.txt changed");
    Files.delete(ws.resolve("out.txt"));
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("out out.txt missing");
    assertThat(pipelines.status(p).stale().get("count")).containsExactly("dep out.txt missing");

    // dep missing
    Files.delete(ws.resolve("in.txt"));
    assertThat(pipelines.status(p).stale().get("copy")).contains("dep in.txt missing");
    assertThat(pipelines.status(p).warnings()).anyMatch(w -> w.contains("in.txt"));
    assertThatThrownBy(() -> pipelines.repro(p))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("in.txt")
        .hasMessageContaining("copy");
  }

  @Test
  void paramMissingAlwaysChangedFrozenAndJavaVersion() throws IOException {
    Pipeline p =
        Pipeline.builder("cd")
            .stage(
                "j",
                s ->
                    s.run(ctx -> Files.writeString(ctx.path("j.txt"), ctx.param("train.lr")))
                        .params("train.lr")
                        .outs("j.txt"))
            .stage("always", s -> s.cmd("date +%N > a.txt").alwaysChanged(true).outs("a.txt"))
            .stage("frozen", s -> s.cmd("exit 1").frozen(true).deps("nowhere.txt").outs("f.txt"))
            .build();
    PipelineRun r = pipelines.repro(p);
    assertThat(r.succeeded()).as(r.toString()).isTrue();
    assertThat(r.stage("frozen").outcome()).isEqualTo(StageOutcome.SKIPPED);
    assertThat(Files.readString(ws.resolve("j.txt"))).isEqualTo("0.01");
    assertThat(pipelines.status(p).stale()).containsOnlyKeys("always");
    assertThat(pipelines.status(p).stale().get("always")).containsExactly("always changed");
    assertThat(pipelines.repro(p).stage("always").outcome()).isEqualTo(StageOutcome.RAN);

    Pipeline v2 =
        Pipeline.builder("cd")
            .stage(
                "j",
                s ->
                    s.run(ctx -> Files.writeString(ctx.path("j.txt"), "x"))
                        .version("2")
                        .params("train.lr")
                        .outs("j.txt"))
            .build();
    assertThat(pipelines.status(v2).stale().get("j")).containsExactly("cmd changed");

    Files.writeString(ws.resolve("params.yaml"), "train:\n  epochs: 3\n");
    assertThat(pipelines.status(p).stale().get("j"))
        .containsExactly("param train.lr missing from params.yaml");
    assertThatThrownBy(() -> pipelines.repro(p))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("train.lr");
  }

  @Test
  void reproRunsOnlyWhatChanged() throws IOException {
    Pipeline p = pipeline("cp in.txt out.txt");
    pipelines.repro(p);
    Path lock = ws.resolve("dvc.lock");
    String before = Files.readString(lock);
    PipelineRun again = pipelines.repro(p);
    assertThat(again.stages()).extracting(s -> s.outcome()).containsOnly(StageOutcome.SKIPPED);
    assertThat(Files.readString(lock)).isEqualTo(before);

    // a cmd change that produces the same output: downstream stays up to date (DVC semantics)
    PipelineRun r = pipelines.repro(pipeline("cat in.txt > out.txt"));
    assertThat(r.stage("copy").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(r.stage("count").outcome()).isEqualTo(StageOutcome.SKIPPED);

    Files.writeString(ws.resolve("in.txt"), "a longer line\n");
    r = pipelines.repro(pipeline("cat in.txt > out.txt"));
    assertThat(r.stage("copy").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(r.stage("count").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(Files.readString(ws.resolve("n.txt")).trim()).isEqualTo("14");
    assertThat(Files.readString(lock))
        .contains("cmd: cat in.txt > out.txt")
        .contains("train.lr: 0.01");
  }
}
