package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A child JVM running a repro is killed with SIGKILL at a random moment: dvc.lock is then exactly
 * the old lock with the first k stages replaced by their new entries, never torn.
 */
class LockCrashIT {
  static final int STAGES = 40;

  static Pipeline pipeline(String version) {
    Pipeline.Builder b = Pipeline.builder("crash");
    for (int i = 0; i < STAGES; i++) {
      int n = i;
      b.stage(
          "s" + i,
          s ->
              s.cmd("sleep 0.01; echo " + version + "-" + n + " > o" + n + ".txt")
                  .outs("o" + n + ".txt"));
    }
    return b.build();
  }

  /** The child: repro the "new" pipeline in the folder given as argument. */
  public static void main(String[] args) {
    Path ws = Path.of(args[0]);
    try (PipelinesImpl p =
        new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty)) {
      System.out.println("ready");
      System.out.flush();
      PipelineRun r = p.repro(pipeline("new"));
      System.out.println(r.succeeded() ? "done" : "failed");
    }
  }

  private static Map<String, Map<String, Object>> fullLock(Path dir, String version) {
    try (PipelinesImpl p =
        new PipelinesImpl(dir, dir.resolve(".mlops"), Optional.empty(), Optional::empty)) {
      assertThat(p.repro(pipeline(version)).succeeded()).isTrue();
    }
    return LockFile.read(dir.resolve("dvc.lock"));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void sigkillMidReproLeavesOldOrNewLock(long seed, @TempDir Path tmp) throws Exception {
    Path ref = Files.createDirectories(tmp.resolve("ref"));
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Map<String, Map<String, Object>> newer = fullLock(ref, "new");
    Map<String, Map<String, Object>> older = fullLock(ws, "old");
    assertThat(newer.get("s0")).isNotEqualTo(older.get("s0"));

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockCrashIT.class.getName(),
                ws.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("ready")) {
      // skip JVM noise
    }
    assertThat(line).as("seed %d: child started", seed).isEqualTo("ready");
    long delay = 200L + new Random(seed).nextInt(900);
    Thread.sleep(delay);
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    String text = Files.readString(ws.resolve("dvc.lock"));
    assertThat(text).as("seed %d", seed).startsWith("schema: '2.0'\nstages:\n").endsWith("\n");
    Map<String, Map<String, Object>> after = LockFile.read(ws.resolve("dvc.lock"));
    assertThat(after.keySet()).as("seed %d", seed).containsExactlyElementsOf(older.keySet());
    List<Boolean> isNew = new ArrayList<>();
    for (String stage : after.keySet()) {
      Map<String, Object> e = after.get(stage);
      assertThat(e.equals(newer.get(stage)) || e.equals(older.get(stage)))
          .as("seed %d: entry of %s is the old or the new one: %s", seed, stage, e)
          .isTrue();
      isNew.add(e.equals(newer.get(stage)));
    }
    int k = isNew.indexOf(false) < 0 ? isNew.size() : isNew.indexOf(false);
    assertThat(isNew.subList(k, isNew.size()))
        .as("seed %d: new entries are a prefix %s", seed, isNew)
        .doesNotContain(true);

    // a new repro picks up where the killed one stopped
    try (PipelinesImpl p =
        new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty)) {
      PipelineRun r = p.repro(pipeline("new"));
      assertThat(r.succeeded()).isTrue();
    }
    assertThat(LockFile.read(ws.resolve("dvc.lock"))).isEqualTo(newer);
  }
}
