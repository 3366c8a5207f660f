package dev.mlops.benchmarks.pipeline;

import dev.mlops.Mlops;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.PipelineStatus;
import dev.mlops.pipeline.ReproOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 1 of issue 4: a no-op {@code status} of a generated N-stage pipeline (each stage one
 * dep file and one out; a chain or a binary tree) against {@code make -q} on the equivalent
 * Makefile, in the same run. Warm: median of repeated calls in this JVM. Cold: a new JVM that opens
 * the home, builds the pipeline and calls status once.
 *
 * <p>Run: {@code java -cp <classpath> dev.mlops.benchmarks.pipeline.StatusBenchmark [stages=1000]
 * [shape=tree|chain] [reps=15] [setup=generate|repro|distinct]}; {@code repro} builds the state
 * with a real repro of the N shell stages (slow), {@code generate} writes the same outputs, cache
 * and dvc.lock directly; {@code distinct} does the same with a different content per output (not
 * what {@code cp} would leave, but every output is then its own cache object to check).
 */
public final class StatusBenchmark {
  private StatusBenchmark() {}

  static Pipeline pipeline(int n, boolean tree) {
    Pipeline.Builder b = Pipeline.builder("bench");
    for (int i = 0; i < n; i++) {
      String dep = i == 0 ? "input.txt" : "o" + (tree ? (i - 1) / 2 : i - 1) + ".txt";
      String out = "o" + i + ".txt";
      b.stage("s" + i, s -> s.cmd("cp " + dep + " " + out).deps(dep).outs(out));
    }
    return b.build();
  }

  static void makefile(Path dir, int n, boolean tree) throws IOException {
    StringBuilder sb = new StringBuilder("all:");
    for (int i = 0; i < n; i++) {
      sb.append(" o").append(i).append(".txt");
    }
    sb.append("\n\n");
    for (int i = 0; i < n; i++) {
      String dep = i == 0 ? "input.txt" : "o" + (tree ? (i - 1) / 2 : i - 1) + ".txt";
      sb.append('o')
          .append(i)
          .append(".txt: ")
          .append(dep)
          .append("\n\tcp ")
          .append(dep)
          .append(" o")
          .append(i)
          .append(".txt\n");
    }
    sb.append(".PHONY: all\n");
    Files.writeString(dir.resolve("Makefile"), sb.toString());
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    boolean tree = args.length <= 1 || !args[1].equals("chain");
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    boolean viaRepro = args.length > 3 && args[3].equals("repro");
    boolean distinct = args.length > 3 && args[3].equals("distinct");
    Path dir = Files.createTempDirectory("mlops-status-bench");
    Files.writeString(dir.resolve("input.txt"), "seed\n");
    makefile(dir, n, tree);
    long t0 = System.nanoTime();
    double mo;
    double mm;
    double minOurs;
    double minMake;
    double cpuOurs;
    try {
      try (Mlops m = Mlops.builder().home(dir.resolve(".mlops")).build()) {
        Pipeline p = pipeline(n, tree);
        if (viaRepro) {
          PipelineRun r = m.pipelines().repro(p, ReproOptions.defaults().parallelism(2));
          if (!r.succeeded()) {
            throw new IllegalStateException("setup repro failed: " + r.stages());
          }
        } else {
          writeState(m, dir, n, tree, distinct);
        }
        check(m.pipelines().status(p));
        System.out.printf(
            Locale.ROOT,
            "setup: %d stages (%s) %s in %.1f s%n",
            n,
            tree ? "tree" : "chain",
            viaRepro
                ? "reproduced"
                : distinct
                    ? "generated, distinct outputs (cached, dvc.lock written)"
                    : "generated (outputs cached, dvc.lock written)",
            (System.nanoTime() - t0) / 1e9);
        int makeExit = make(dir);
        if (makeExit != 0) {
          throw new IllegalStateException(
              "make -q says the Makefile is not up to date: " + makeExit);
        }
        // warm up both
        for (int i = 0; i < 5; i++) {
          check(m.pipelines().status(p));
          make(dir);
        }
        double[] ours = new double[reps];
        double[] make = new double[reps];
        double[] cpu = new double[reps];
        java.lang.management.ThreadMXBean mx =
            java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < reps; i++) {
          long c = mx.getCurrentThreadCpuTime();
          long a = System.nanoTime();
          check(m.pipelines().status(p));
          ours[i] = (System.nanoTime() - a) / 1e6;
          cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
          long b = System.nanoTime();
          make(dir);
          make[i] = (System.nanoTime() - b) / 1e6;
        }
        mo = median(ours);
        mm = median(make);
        minOurs = min(ours);
        minMake = min(make);
        cpuOurs = median(cpu);
      }
      double[] cold = new double[3];
      for (int i = 0; i < cold.length; i++) {
        long a = System.nanoTime();
        int exit = coldStatus(dir, n, tree);
        cold[i] = (System.nanoTime() - a) / 1e6;
        if (exit != 0) {
          throw new IllegalStateException("cold status JVM exited with " + exit);
        }
      }
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "%-44s %10s %8s %10s %8s%n",
          "no-op status, " + n + " stages (" + (tree ? "tree" : "chain") + ")",
          "median ms",
          "vs make",
          "min ms",
          "vs make");
      System.out.printf(
          Locale.ROOT,
          "%-44s %10.1f %8s %10.1f %8s%n",
          "make -q (machine's limit, incl. fork/exec)",
          mm,
          "1.00x",
          minMake,
          "1.00x");
      System.out.printf(
          Locale.ROOT,
          "%-44s %10.1f %7.2fx %10.1f %7.2fx%n",
          "m.pipelines().status(p), warm JVM",
          mo,
          mo / mm,
          minOurs,
          minOurs / minMake);
      System.out.printf(
          Locale.ROOT, "%-44s %10.1f %7.2fx%n", "  (its thread's CPU time)", cpuOurs, cpuOurs / mm);
      System.out.printf(
          Locale.ROOT,
          "%-44s %10.1f %7.2fx%n",
          "new JVM: open + status (cold)",
          median(cold),
          median(cold) / mm);
      System.out.printf(
          Locale.ROOT,
          "target: warm <= 2.00x make (median) -> %s%n",
          mo <= 2 * mm ? "MET" : "NOT MET");
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * What a repro would leave, without running 1000 shells: every output holds the input's bytes
   * (the stages are {@code cp}), is committed to the cache, and dvc.lock records it.
   */
  private static void writeState(Mlops m, Path dir, int n, boolean tree, boolean distinct)
      throws IOException {
    byte[] input = Files.readAllBytes(dir.resolve("input.txt"));
    String[] md5 = new String[n];
    long[] size = new long[n];
    StringBuilder lock = new StringBuilder("schema: '2.0'\nstages:\n");
    for (int i = 0; i < n; i++) {
      int parent = i == 0 ? -1 : tree ? (i - 1) / 2 : i - 1;
      String dep = parent < 0 ? "input.txt" : "o" + parent + ".txt";
      String out = "o" + i + ".txt";
      byte[] content =
          distinct
              ? ("output " + i + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)
              : input;
      Files.write(dir.resolve(out), content);
      m.data().commit(dir.resolve(out));
      md5[i] = md5(content);
      size[i] = content.length;
      lock.append("  s")
          .append(i)
          .append(":\n    cmd: cp ")
          .append(dep)
          .append(' ')
          .append(out)
          .append('\n');
      String depMd5 = parent < 0 ? md5(input) : md5[parent];
      long depSize = parent < 0 ? input.length : size[parent];
      for (Object[] e :
          new Object[][] {{"deps", dep, depMd5, depSize}, {"outs", out, md5[i], size[i]}}) {
        lock.append("    ")
            .append(e[0])
            .append(":\n    - path: ")
            .append(e[1])
            .append("\n      hash: md5\n      md5: ")
            .append(e[2])
            .append("\n      size: ")
            .append(e[3])
            .append('\n');
      }
    }
    Files.writeString(dir.resolve("dvc.lock"), lock.toString());
  }

  private static String md5(byte[] content) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("MD5").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void check(PipelineStatus s) {
    if (!s.upToDate()) {
      throw new IllegalStateException("expected up to date, got " + s.stale());
    }
  }

  private static int make(Path dir) throws IOException, InterruptedException {
    return new ProcessBuilder("make", "-q", "-f", "Makefile")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }

  private static int coldStatus(Path dir, int n, boolean tree)
      throws IOException, InterruptedException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            ColdStatus.class.getName(),
            dir.toString(),
            String.valueOf(n),
            tree ? "tree" : "chain")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .start()
        .waitFor();
  }

  /** The cold-start probe: exits 0 when the pipeline is up to date. */
  public static final class ColdStatus {
    private ColdStatus() {}

    public static void main(String[] args) {
      Path dir = Path.of(args[0]);
      try (Mlops m = Mlops.builder().home(dir.resolve(".mlops")).build()) {
        PipelineStatus s =
            m.pipelines().status(pipeline(Integer.parseInt(args[1]), args[2].equals("tree")));
        if (!s.upToDate()) {
          System.out.println("stale: " + s.stale());
        }
        System.exit(s.upToDate() ? 0 : 1);
      }
    }
  }

  static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(Double.NaN);
  }

  static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }

  static void deleteTree(Path dir) throws IOException {
    List<Path> all = new ArrayList<>();
    try (var s = Files.walk(dir)) {
      s.forEach(all::add);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).toFile().setWritable(true);
      Files.deleteIfExists(all.get(i));
    }
  }
}
