package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.StageOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With mlops-versioning present: outputs cached, run cache restores instead of re-running. */
class RunCacheTest {
  @TempDir Path ws;
  Mlops m;

  @BeforeEach
  void open() {
    m = Mlops.builder().home(ws.resolve(".mlops")).build();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private long runs() throws IOException {
    Path log = ws.resolve("runs.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  @Test
  void seenInputsAreRestoredFromTheRunCache() throws IOException {
    Files.writeString(ws.resolve("in.txt"), "v1\n");
    Files.writeString(ws.resolve("params.yaml"), "k: 1\n");
    Pipeline p =
        Pipeline.builder("rc")
            .stage(
                "gen",
                s ->
                    s.cmd(
                            "cat in.txt in.txt > out.txt; mkdir -p dir; cp in.txt dir/a; echo ran >> runs.log")
                        .deps("in.txt")
                        .params("k")
                        .outs("out.txt", "dir"))
            .build();
    assertThat(m.pipelines().repro(p).stage("gen").outcome()).isEqualTo(StageOutcome.RAN);
    String lockV1 = Files.readString(ws.resolve("dvc.lock"));
    assertThat(lockV1).contains("nfiles: 1");
    try (Stream<Path> s = Files.walk(ws.resolve(".mlops/cache/runs"))) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(1);
    }

    Files.writeString(ws.resolve("in.txt"), "v2\n");
    assertThat(m.pipelines().repro(p).stage("gen").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(runs()).isEqualTo(2);

    Files.writeString(ws.resolve("in.txt"), "v1\n");
    PipelineRun r = m.pipelines().repro(p);
    assertThat(r.stage("gen").outcome()).isEqualTo(StageOutcome.RESTORED_FROM_CACHE);
    assertThat(runs()).isEqualTo(2);
    assertThat(Files.readString(ws.resolve("out.txt"))).isEqualTo("v1\nv1\n");
    assertThat(Files.readString(ws.resolve("dir/a"))).isEqualTo("v1\n");
    assertThat(Files.readString(ws.resolve("dvc.lock"))).isEqualTo(lockV1);
    assertThat(m.pipelines().status(p).stale()).isEmpty();

    // a deleted output with unchanged inputs: restored, not re-run
    Files.delete(ws.resolve("out.txt"));
    assertThat(m.pipelines().status(p).stale().get("gen")).containsExactly("out out.txt missing");
    assertThat(m.pipelines().repro(p).stage("gen").outcome())
        .isEqualTo(StageOutcome.RESTORED_FROM_CACHE);
    assertThat(Files.readString(ws.resolve("out.txt"))).isEqualTo("v1\nv1\n");

    // a param change is a new key; force and runCache(false) always run
    Files.writeString(ws.resolve("params.yaml"), "k: 2\n");
    assertThat(m.pipelines().repro(p).stage("gen").outcome()).isEqualTo(StageOutcome.RAN);
    Files.writeString(ws.resolve("params.yaml"), "k: 1\n");
    assertThat(
            m.pipelines().repro(p, ReproOptions.defaults().runCache(false)).stage("gen").outcome())
        .isEqualTo(StageOutcome.RAN);
    assertThat(m.pipelines().repro(p, ReproOptions.defaults().force(true)).stage("gen").outcome())
        .isEqualTo(StageOutcome.RAN);
    assertThat(runs()).isEqualTo(5);
  }

  @Test
  void outputsAreCachedAndNotInCacheIsAReason() throws IOException {
    Files.writeString(ws.resolve("in.txt"), "x\n");
    Pipeline p =
        Pipeline.builder("rc")
            .stage("copy", s -> s.cmd("cp in.txt out.txt").deps("in.txt").outs("out.txt"))
            .stage(
                "nocache",
                s -> s.cmd("cp in.txt m.json").deps("in.txt").metric("m.json", false, false))
            .build();
    m.pipelines().repro(p);
    String md5 = "401b30e3b8b5d629635a5c613cdb7919"; // md5("x\n")
    Path object =
        ws.resolve(".mlops/cache/files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2));
    assertThat(object).exists();
    assertThat(m.pipelines().status(p).stale()).isEmpty();
    object.toFile().setWritable(true);
    Files.delete(object);
    assertThat(m.pipelines().status(p).stale()).containsOnlyKeys("copy");
    assertThat(m.pipelines().status(p).stale().get("copy"))
        .containsExactly("out out.txt not in cache");
  }
}
