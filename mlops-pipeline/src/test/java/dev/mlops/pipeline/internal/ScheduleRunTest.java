package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineSchedule;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleRunTest {
  @TempDir Path ws;

  @Test
  void everyRunsReproNeverTwoAtOnceAndCloseStops() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    Pipeline p =
        Pipeline.builder("sched")
            .stage(
                "tick",
                s ->
                    s.run(
                            ctx -> {
                              int now = running.incrementAndGet();
                              maxRunning.accumulateAndGet(now, Math::max);
                              calls.incrementAndGet();
                              Thread.sleep(60); // longer than the interval
                              running.decrementAndGet();
                              java.nio.file.Files.writeString(ctx.path("t.txt"), "x");
                            })
                        .alwaysChanged(true)
                        .outs("t.txt"))
            .build();
    PipelinesImpl pipelines =
        new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty);
    PipelineSchedule a = pipelines.schedule(p, Schedule.every(Duration.ofMillis(20)));
    PipelineSchedule b =
        pipelines.schedule(p, Schedule.every(Duration.ofMillis(25)), ReproOptions.defaults());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (a.completedRuns() + b.completedRuns() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(a.completedRuns() + b.completedRuns()).isGreaterThanOrEqualTo(4);
    assertThat(a.lastRun().or(b::lastRun)).isPresent();
    assertThat(maxRunning.get()).isEqualTo(1);
    a.close();
    assertThat(a.isClosed()).isTrue();
    pipelines.close(); // stops b too, waits for a running repro
    int afterA = a.completedRuns();
    int total = calls.get();
    Thread.sleep(150);
    assertThat(calls.get()).isEqualTo(total);
    assertThat(a.completedRuns()).isEqualTo(afterA);
    assertThat(b.isClosed()).isTrue();
  }
}
