package dev.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs sharing one home, and killed mid-run. */
class TrackingProcessIT {
  @TempDir Path dir;

  private Process child(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add(ChildLogger.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile())
        .start();
  }

  private static BufferedReader out(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private static String runId(BufferedReader reader) throws IOException {
    String line = reader.readLine();
    assertThat(line).as("first line of the child").startsWith("run ");
    return line.substring(4);
  }

  @Test
  void twoProcessesLogToOneHome() throws Exception {
    Path home = dir.resolve(".mlops");
    Process a = child("log", home.toString(), "20000");
    Process b = child("log", home.toString(), "20000");
    BufferedReader ra = out(a);
    BufferedReader rb = out(b);
    String idA = runId(ra);
    String idB = runId(rb);
    assertThat(ra.readLine()).isEqualTo("done");
    assertThat(rb.readLine()).isEqualTo("done");
    assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(a.exitValue()).isZero();
    assertThat(b.exitValue()).isZero();
    try (Mlops m = Mlops.open(home)) {
      for (String id : List.of(idA, idB)) {
        Run r = m.tracking().get(id);
        assertThat(r.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(r.params()).hasSize(20);
        assertThat(m.tracking().metricHistory(id, "m")).hasSize(20000);
      }
      assertThat(m.tracking().search(RunQuery.in("shared")).items()).hasSize(2);
    }
  }

  @Test
  void sigkillKeepsEveryFlushedMetric() throws Exception {
    Path home = dir.resolve(".mlops");
    Process p = child("forever", home.toString());
    BufferedReader reader = out(p);
    String id = runId(reader);
    long flushed = 0;
    while (flushed < 5000) {
      String line = reader.readLine();
      assertThat(line).as("child output").isNotNull().startsWith("flushed ");
      flushed = Long.parseLong(line.substring(8));
    }
    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    try (Mlops m = Mlops.open(home)) {
      List<Metric> history = m.tracking().metricHistory(id, "m");
      assertThat((long) history.size()).isGreaterThanOrEqualTo(flushed);
      for (int i = 0; i < flushed; i++) {
        assertThat(history.get(i).step()).isEqualTo(i);
      }
      assertThat(m.tracking().get(id).status()).isEqualTo(RunStatus.RUNNING);
      Run after = m.tracking().run("killed", run -> run.metric("m", 1));
      assertThat(after.status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void jvmShutdownMarksTheRunKilled() throws Exception {
    Path home = dir.resolve(".mlops");
    Process p = child("forever", home.toString());
    BufferedReader reader = out(p);
    String id = runId(reader);
    long flushed = 0;
    while (flushed < 1000) {
      flushed = Long.parseLong(reader.readLine().substring(8));
    }
    p.destroy(); // SIGTERM: shutdown hooks run
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    try (Mlops m = Mlops.open(home)) {
      Run r = m.tracking().get(id);
      assertThat(r.status()).isEqualTo(RunStatus.KILLED);
      assertThat(r.endTime()).isNotNull();
      assertThat((long) m.tracking().metricHistory(id, "m").size()).isGreaterThanOrEqualTo(flushed);
    }
  }
}
