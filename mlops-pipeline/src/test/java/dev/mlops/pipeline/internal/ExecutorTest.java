package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineExecution;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.StageOutcome;
import dev.mlops.pipeline.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExecutorTest {
  @TempDir Path ws;
  PipelinesImpl pipelines;

  @BeforeEach
  void setUp() {
    pipelines = new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty);
  }

  @AfterEach
  void tearDown() {
    pipelines.close();
  }

  private long nanos(String file) throws IOException {
    return Long.parseLong(Files.readString(ws.resolve(file)).trim());
  }

  @Test
  void independentBranchesOverlap() throws IOException {
    // each stage announces its start, then waits (bounded) for the other's: both can only
    // succeed if they run at the same time, however slow the machine
    String meet =
        "touch X.start; i=0; while [ ! -e Y.start ] && [ $i -lt 6000 ]; do sleep 0.01;"
            + " i=$((i+1)); done; test -e Y.start && echo done > X.out";
    Pipeline p =
        Pipeline.builder("par")
            .stage("a", s -> s.cmd(meet.replace("X", "a").replace("Y", "b")).outs("a.out"))
            .stage("b", s -> s.cmd(meet.replace("X", "b").replace("Y", "a")).outs("b.out"))
            .build();
    PipelineRun r = pipelines.repro(p, ReproOptions.defaults().parallelism(2));
    assertThat(r.succeeded()).as(r.toString()).isTrue();

    // with parallelism 1 they do not overlap
    String cmd = "date +%s%N > X.start; date +%s%N > X.end; echo done > X.out";
    Pipeline q =
        Pipeline.builder("seq")
            .stage("a", s -> s.cmd(cmd.replace("X", "a")).outs("a.out"))
            .stage("b", s -> s.cmd(cmd.replace("X", "b")).outs("b.out"))
            .build();
    PipelineRun seq = pipelines.repro(q, ReproOptions.defaults().parallelism(1));
    assertThat(seq.succeeded()).isTrue();
    boolean aFirst = nanos("a.start") < nanos("b.start");
    if (aFirst) {
      assertThat(nanos("a.end")).isLessThanOrEqualTo(nanos("b.start"));
    } else {
      assertThat(nanos("b.end")).isLessThanOrEqualTo(nanos("a.start"));
    }
  }

  @Test
  void retryThenSuccess() throws IOException {
    Pipeline p =
        Pipeline.builder("retry")
            .stage(
                "flaky",
                s ->
                    s.cmd(
                            "echo try >> attempts.txt; if [ $(wc -l < attempts.txt) -lt 3 ]; then"
                                + " echo failing; exit 3; fi; echo ok > out.txt")
                        .outs("out.txt"))
            .build();
    PipelineRun r =
        pipelines.repro(p, ReproOptions.defaults().retries(3).retryBackoff(Duration.ofMillis(10)));
    assertThat(r.succeeded()).isTrue();
    assertThat(r.stage("flaky").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(Files.readAllLines(ws.resolve("attempts.txt"))).hasSize(3);
    assertThat(r.log("flaky"))
        .contains("attempt 1 of 4 failed", "attempt 2 of 4 failed", "failing");

    Files.delete(ws.resolve("attempts.txt"));
    Pipeline never =
        Pipeline.builder("retry")
            .stage("never", s -> s.cmd("echo x >> attempts.txt; exit 1").outs("n.txt"))
            .build();
    PipelineRun f =
        pipelines.repro(never, ReproOptions.defaults().retries(1).retryBackoff(Duration.ZERO));
    assertThat(f.succeeded()).isFalse();
    assertThat(f.stage("never").outcome()).isEqualTo(StageOutcome.FAILED);
    assertThat(f.stage("never").message()).contains("exited with 1");
    assertThat(Files.readAllLines(ws.resolve("attempts.txt"))).hasSize(2);
  }

  @Test
  void javaStageRetriesWithAttemptNumber() {
    AtomicInteger calls = new AtomicInteger();
    Pipeline p =
        Pipeline.builder("j")
            .stage(
                "j",
                s ->
                    s.run(
                            ctx -> {
                              calls.incrementAndGet();
                              ctx.log().info("attempt {}", ctx.attempt());
                              if (ctx.attempt() < 2) {
                                throw new IOException("transient");
                              }
                              Files.writeString(ctx.path("j.txt"), "ok");
                            })
                        .outs("j.txt"))
            .build();
    PipelineRun r =
        pipelines.repro(p, ReproOptions.defaults().retries(2).retryBackoff(Duration.ZERO));
    assertThat(r.stage("j").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(calls.get()).isEqualTo(2);
    assertThat(r.log("j")).contains("INFO attempt 1", "IOException: transient", "INFO attempt 2");
  }

  @Test
  void timeoutKillsTheChildProcess() throws Exception {
    Pipeline p =
        Pipeline.builder("t")
            .stage(
                "slow",
                s ->
                    s.cmd(
                            "sleep 30 & echo $! > child.tmp && mv child.tmp child.pid; wait;"
                                + " echo never > out.txt")
                        .outs("out.txt"))
            .build();
    long t0 = System.nanoTime();
    PipelineRun r = pipelines.repro(p, ReproOptions.defaults().timeout(Duration.ofMillis(1500)));
    assertThat(r.stage("slow").outcome()).isEqualTo(StageOutcome.FAILED);
    assertThat(r.stage("slow").message()).contains("timed out");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(25);
    // on a machine slow enough that the shell had not forked its child yet there is no child
    // to check; the pid file is written by rename, so it is never seen half-written
    Path pidFile = ws.resolve("child.pid");
    if (Files.exists(pidFile)) {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      Optional<ProcessHandle> child = ProcessHandle.of(pid);
      if (child.isPresent()) {
        child.get().onExit().get(10, TimeUnit.SECONDS);
        assertThat(child.get().isAlive()).isFalse();
      }
    }
    assertThat(ws.resolve("out.txt")).doesNotExist();
    assertThat(ws.resolve("dvc.lock")).doesNotExist();
  }

  @Test
  void failureStopsDependentsOnly() throws IOException {
    Pipeline p =
        Pipeline.builder("iso")
            .stage("bad", s -> s.cmd("exit 2").outs("bad.txt"))
            .stage("after-bad", s -> s.cmd("cp bad.txt x.txt").deps("bad.txt").outs("x.txt"))
            .stage("after-after", s -> s.cmd("cp x.txt y.txt").deps("x.txt").outs("y.txt"))
            .stage("good", s -> s.cmd("sleep 0.2; echo ok > good.txt").outs("good.txt"))
            .stage("after-good", s -> s.cmd("cp good.txt g2.txt").deps("good.txt").outs("g2.txt"))
            .build();
    PipelineRun r = pipelines.repro(p, ReproOptions.defaults().parallelism(2));
    assertThat(r.succeeded()).isFalse();
    assertThat(r.stage("bad").outcome()).isEqualTo(StageOutcome.FAILED);
    assertThat(r.stage("after-bad").outcome()).isEqualTo(StageOutcome.NOT_RUN);
    assertThat(r.stage("after-after").outcome()).isEqualTo(StageOutcome.NOT_RUN);
    assertThat(r.stage("after-bad").message()).contains("bad");
    assertThat(r.stage("good").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(r.stage("after-good").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(LockFile.read(ws.resolve("dvc.lock")).keySet())
        .containsExactly("good", "after-good");
  }

  @Test
  void cancellationKillsRunningAndSkipsTheRest() throws Exception {
    Pipeline p =
        Pipeline.builder("c")
            .stage(
                "long",
                s ->
                    s.cmd("echo $$ > long.tmp && mv long.tmp long.pid; sleep 30; echo x > l.txt")
                        .outs("l.txt"))
            .stage("next", s -> s.cmd("cp l.txt m.txt").deps("l.txt").outs("m.txt"))
            .build();
    PipelineExecution ex = pipelines.start(p, ReproOptions.defaults());
    Path pidFile = ws.resolve("long.pid");
    // the pid file appears (by rename, so whole) once the stage runs; bounded only as a safety net
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(pidFile).exists();
    ex.cancel();
    PipelineRun r = ex.await(Duration.ofSeconds(15)).orElseThrow();
    assertThat(r.cancelled()).isTrue();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.stage("long").outcome()).isEqualTo(StageOutcome.FAILED);
    assertThat(r.stage("long").message()).contains("cancelled");
    assertThat(r.stage("next").outcome()).isEqualTo(StageOutcome.NOT_RUN);
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle.of(pid).ifPresent(h -> assertThat(h.isAlive()).isFalse());
  }

  @Test
  void dryRunAndTargets() throws IOException {
    Pipeline p =
        Pipeline.builder("t")
            .stage("a", s -> s.cmd("echo a > a.txt").outs("a.txt"))
            .stage("b", s -> s.cmd("cp a.txt b.txt").deps("a.txt").outs("b.txt"))
            .stage("c", s -> s.cmd("cp b.txt c.txt").deps("b.txt").outs("c.txt"))
            .stage("other", s -> s.cmd("echo o > o.txt").outs("o.txt"))
            .build();
    PipelineRun dry = pipelines.repro(p, ReproOptions.defaults().dryRun(true));
    assertThat(dry.stages()).extracting(StageResult::outcome).containsOnly(StageOutcome.NOT_RUN);
    assertThat(dry.stage("a").message()).startsWith("dry run: would run");
    assertThat(ws.resolve("a.txt")).doesNotExist();
    assertThat(ws.resolve("dvc.lock")).doesNotExist();

    PipelineRun b = pipelines.repro(p, ReproOptions.defaults().targets("b"));
    assertThat(b.stages()).extracting(StageResult::stage).containsExactly("a", "b");
    assertThat(ws.resolve("c.txt")).doesNotExist();

    // upstream up to date, a changed: single item reruns only b; downstream from a reruns a, b, c
    PipelineRun single =
        pipelines.repro(p, ReproOptions.defaults().targets("b").singleItem(true).force(true));
    assertThat(single.stages()).extracting(StageResult::stage).containsExactly("b");
    PipelineRun down =
        pipelines.repro(p, ReproOptions.defaults().targets("a").downstream(true).force(true));
    assertThat(down.stages()).extracting(StageResult::stage).containsExactly("a", "b", "c");
    assertThat(down.stages()).extracting(StageResult::outcome).containsOnly(StageOutcome.RAN);
    // a dry run after a change in a propagates "would run" downstream
    Files.writeString(ws.resolve("a.txt"), "edited\n");
    PipelineRun dry2 = pipelines.repro(p, ReproOptions.defaults().dryRun(true));
    assertThat(dry2.stage("a").outcome()).isEqualTo(StageOutcome.NOT_RUN);
    assertThat(dry2.stage("c").message()).contains("upstream changed");
    assertThat(dry2.stage("other").outcome()).isEqualTo(StageOutcome.NOT_RUN); // never ran yet
  }

  /** Random DAGs of Java stages: every stage runs once, after all it depends on has ended. */
  @ParameterizedTest
  @ValueSource(longs = {3, 11, 2024, 65537})
  void randomDagsRunEachStageOnceInOrder(long seed) throws IOException {
    Random rnd = new Random(seed);
    int n = 5 + rnd.nextInt(20);
    Map<String, Long> started = new ConcurrentHashMap<>();
    Map<String, Long> ended = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<Integer, List<Integer>> deps = new java.util.HashMap<>();
    Pipeline.Builder b = Pipeline.builder("rnd");
    for (int i = 0; i < n; i++) {
      List<Integer> d = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        if (rnd.nextInt(5) == 0) {
          d.add(j);
        }
      }
      deps.put(i, d);
      int sleep = rnd.nextInt(20);
      String name = "s" + i;
      b.stage(
          name,
          s -> {
            s.run(
                    ctx -> {
                      runs.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                      started.put(name, System.nanoTime());
                      Thread.sleep(sleep);
                      Files.writeString(ctx.path("o" + name), name);
                      ended.put(name, System.nanoTime());
                    })
                .outs("o" + name);
            d.forEach(j -> s.deps("os" + j));
          });
    }
    Pipeline p = b.build();
    PipelineRun r = pipelines.repro(p, ReproOptions.defaults().parallelism(3));
    assertThat(r.succeeded()).as("seed %d", seed).isTrue();
    assertThat(r.stages()).as("seed %d", seed).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(runs.get("s" + i).get()).as("seed %d: s%d ran once", seed, i).isEqualTo(1);
      for (int j : deps.get(i)) {
        assertThat(started.get("s" + i))
            .as("seed %d: s%d after s%d", seed, i, j)
            .isGreaterThanOrEqualTo(ended.get("s" + j));
      }
    }
    PipelineRun again = pipelines.repro(p, ReproOptions.defaults().parallelism(3));
    assertThat(again.stages())
        .as("seed %d", seed)
        .extracting(StageResult::outcome)
        .containsOnly(StageOutcome.SKIPPED);
    assertThat(runs.values()).as("seed %d", seed).allMatch(c -> c.get() == 1);
  }
}
