package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What status caches between calls on one instance (the pipeline's plan, the parsed lock file and
 * params files, file hashes keyed by size, mtime and inode) never hides a change a fresh instance
 * would see.
 */
class StatusCacheTest {
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

  private static final Instant OLD = Instant.parse("2024-03-01T10:00:00.100000000Z");

  /** Sets the mtime and checks that the file system kept its nanoseconds. */
  private static void mtime(Path file, Instant t) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(t));
    assumeThat(Files.getLastModifiedTime(file).toInstant())
        .as("file system keeps sub-second mtimes")
        .isEqualTo(t);
  }

  private Pipeline pipeline() {
    return Pipeline.builder("c")
        .stage("copy", s -> s.cmd("cp in.txt out.txt").deps("in.txt").params("lr").outs("out.txt"))
        .build();
  }

  private PipelineStatus fresh(Pipeline p) {
    try (PipelinesImpl cold =
        new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty)) {
      return cold.status(p);
    }
  }

  @Test
  void sameSizeEditInTheSameMtimeSecondIsSeen() throws IOException {
    Files.writeString(ws.resolve("in.txt"), "aaaa\n");
    Files.writeString(ws.resolve("params.yaml"), "lr: 0.1\n");
    Pipeline p = pipeline();
    assertThat(pipelines.repro(p).succeeded()).isTrue();
    mtime(ws.resolve("in.txt"), OLD);
    mtime(ws.resolve("params.yaml"), OLD);
    assertThat(pipelines.status(p).stale()).isEmpty();
    assertThat(pipelines.status(p).stale()).isEmpty(); // now from the caches

    // same size, same inode, mtime differs only in its nanoseconds
    Files.writeString(ws.resolve("in.txt"), "bbbb\n");
    mtime(ws.resolve("in.txt"), OLD.plusNanos(1));
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("dep in.txt changed");
    Files.writeString(ws.resolve("in.txt"), "aaaa\n");
    mtime(ws.resolve("in.txt"), OLD.plusNanos(2));
    assertThat(pipelines.status(p).stale()).isEmpty();

    Files.writeString(ws.resolve("params.yaml"), "lr: 0.2\n");
    mtime(ws.resolve("params.yaml"), OLD.plusNanos(1));
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("param lr changed");
    Files.writeString(ws.resolve("params.yaml"), "lr: 0.1\n");
    mtime(ws.resolve("params.yaml"), OLD.plusNanos(2));
    assertThat(pipelines.status(p).stale()).isEmpty();
  }

  @Test
  void aRecentlyModifiedParamsFileIsReadAgainEvenWithTheSameStat() throws IOException {
    Files.writeString(ws.resolve("in.txt"), "aaaa\n");
    Files.writeString(ws.resolve("params.yaml"), "lr: 0.1\n");
    Pipeline p = pipeline();
    assertThat(pipelines.repro(p).succeeded()).isTrue();
    // an mtime in the future is always "recent": the parse is never trusted from the cache
    Instant future = Instant.now().plusSeconds(3600);
    mtime(ws.resolve("params.yaml"), future);
    assertThat(pipelines.status(p).stale()).isEmpty();
    // an edit within one tick of a coarse file-system clock: size, mtime and inode all unchanged
    Files.writeString(ws.resolve("params.yaml"), "lr: 0.3\n");
    mtime(ws.resolve("params.yaml"), future);
    assertThat(pipelines.status(p).stale().get("copy")).containsExactly("param lr changed");
  }

  @Test
  void paramsCacheTrustsOnlyFilesOlderThanTheRacyWindow() throws IOException {
    ParamsCache cache = new ParamsCache();
    Path f = ws.resolve("p.yaml");
    Files.writeString(f, "a: 1\n");
    mtime(f, OLD);
    assertThat(cache.read(f)).contains(Map.of("a", 1));
    Files.writeString(f, "a: 2\n");
    mtime(f, OLD);
    // same size, mtime and inode as an old file: served from the cache (as DVC's state would)
    assertThat(cache.read(f)).contains(Map.of("a", 1));
    mtime(f, OLD.plusNanos(1));
    assertThat(cache.read(f)).contains(Map.of("a", 2));
    Files.delete(f);
    assertThat(cache.read(f)).isEmpty();
    Files.createDirectories(f);
    assertThat(cache.read(f)).isEmpty();
  }

  @Test
  void warningsFollowTheWorkspaceBetweenCalls() throws IOException {
    Pipeline p =
        Pipeline.builder("w")
            .stage("frozen", s -> s.cmd("exit 1").frozen(true).deps("nowhere.txt").outs("f.txt"))
            .stage("new", s -> s.cmd("cp f.txt g.txt").deps("f.txt", "x.txt").outs("g.txt"))
            .build();
    assertThat(pipelines.status(p).warnings())
        .containsExactly(
            "stage frozen: dep nowhere.txt does not exist and no stage produces it",
            "stage new: dep x.txt does not exist and no stage produces it");
    Files.writeString(ws.resolve("nowhere.txt"), "1");
    Files.writeString(ws.resolve("x.txt"), "1");
    assertThat(pipelines.status(p).warnings()).isEmpty();
    Files.delete(ws.resolve("x.txt"));
    assertThat(pipelines.status(p).warnings())
        .containsExactly("stage new: dep x.txt does not exist and no stage produces it");
    assertThat(pipelines.status(p).warnings()).isEqualTo(fresh(p).warnings());
  }

  @Test
  void aNewLockFileAndANewPipelineObjectAreSeen() throws IOException {
    Files.writeString(ws.resolve("in.txt"), "aaaa\n");
    Files.writeString(ws.resolve("params.yaml"), "lr: 0.1\n");
    Pipeline p = pipeline();
    assertThat(pipelines.status(p).stale().get("copy"))
        .containsExactly("new stage (not in dvc.lock)");
    assertThat(pipelines.repro(p).succeeded()).isTrue();
    assertThat(pipelines.status(p).stale()).isEmpty();
    Pipeline renamed =
        Pipeline.builder("c")
            .stage(
                "copy",
                s -> s.cmd("cp  in.txt out.txt").deps("in.txt").params("lr").outs("out.txt"))
            .build();
    assertThat(pipelines.status(renamed).stale().get("copy")).containsExactly("cmd changed");
    assertThat(pipelines.status(p).stale()).isEmpty();
    Files.delete(ws.resolve("dvc.lock"));
    assertThat(pipelines.status(p).stale().get("copy"))
        .containsExactly("new stage (not in dvc.lock)");
  }

  /**
   * Random pipelines and random edits (content of equal or other size, deletions, params, a new
   * lock): after each edit a warm instance reports exactly what a fresh one does.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 1234})
  void warmStatusEqualsFreshStatus(long seed) throws IOException {
    Random rnd = new Random(seed);
    int n = 3 + rnd.nextInt(8);
    Pipeline.Builder b = Pipeline.builder("r");
    for (int i = 0; i < n; i++) {
      int src = rnd.nextInt(i + 1) - 1; // -1: the input
      String dep = src < 0 ? "in" + rnd.nextInt(2) + ".txt" : "o" + src + ".txt";
      String out = "o" + i + ".txt";
      boolean params = rnd.nextBoolean();
      b.stage(
          "s" + i,
          s -> {
            s.cmd("cp " + dep + " " + out).deps(dep).outs(out);
            if (params) {
              s.params("k" + (out.hashCode() & 1));
            }
          });
    }
    Pipeline p = b.build();
    Files.writeString(ws.resolve("in0.txt"), "zero\n");
    Files.writeString(ws.resolve("in1.txt"), "one!\n");
    Files.writeString(ws.resolve("params.yaml"), "k0: 1\nk1: 2\n");
    assertThat(pipelines.repro(p).succeeded()).as("seed %d", seed).isTrue();
    List<String> files = new ArrayList<>(List.of("in0.txt", "in1.txt", "params.yaml"));
    for (int i = 0; i < n; i++) {
      files.add("o" + i + ".txt");
    }
    long tick = 0;
    for (int step = 0; step < 25; step++) {
      Path f = ws.resolve(files.get(rnd.nextInt(files.size())));
      int what = rnd.nextInt(6);
      if (what == 0) {
        Files.deleteIfExists(f);
      } else if (what == 1 && rnd.nextInt(3) == 0) {
        // a repro needs its inputs: put back those that were deleted
        for (String in : List.of("in0.txt", "in1.txt")) {
          if (!Files.exists(ws.resolve(in))) {
            Files.writeString(ws.resolve(in), "back\n");
          }
        }
        if (!Files.exists(ws.resolve("params.yaml"))) {
          Files.writeString(ws.resolve("params.yaml"), "k0: 0\nk1: 0\n");
        }
        assertThat(pipelines.repro(p).succeeded()).as("seed %d step %d", seed, step).isTrue();
      } else if (f.getFileName().toString().equals("params.yaml")) {
        Files.writeString(f, "k0: " + rnd.nextInt(3) + "\nk1: " + rnd.nextInt(3) + "\n");
        mtime(f, OLD.plusNanos(++tick));
      } else {
        // four bytes and a newline: often the same size and even the same content as before
        Files.writeString(f, "ab" + (char) ('a' + rnd.nextInt(3)) + "d\n");
        mtime(f, OLD.plusNanos(++tick));
      }
      PipelineStatus warm = pipelines.status(p);
      PipelineStatus cold = fresh(p);
      assertThat(warm.stale()).as("seed %d step %d", seed, step).isEqualTo(cold.stale());
      assertThat(warm.warnings()).as("seed %d step %d", seed, step).isEqualTo(cold.warnings());
    }
    assertThat(TimeUnit.NANOSECONDS.toSeconds(tick)).isZero(); // every mtime in OLD's second
  }
}
