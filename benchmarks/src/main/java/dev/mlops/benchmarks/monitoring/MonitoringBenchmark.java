package dev.mlops.benchmarks.monitoring;

import dev.mlops.Mlops;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Monitoring;
import dev.mlops.monitoring.Table;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drift on 1,000,000 rows × 20 numeric columns (Evidently's default tests, and the KS + PSI +
 * normed Wasserstein set) against numpy/scipy on the same arrays in the same run, then 1M × 100
 * columns (Java only), with peak heap. Run:
 *
 * <pre>
 * mvn -q -pl benchmarks -am -DskipTests -DnoEP package
 * java -Xmx6g -cp "benchmarks/target/classes:$(cat cp.txt)" \
 *   dev.mlops.benchmarks.monitoring.MonitoringBenchmark [--rows N] [--cols N] [--wide N]
 *   [--python /usr/bin/python3] [--script benchmarks/monitoring/drift_bench.py]
 * </pre>
 */
public final class MonitoringBenchmark {
  private MonitoringBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = 1_000_000;
    int cols = 20;
    int wide = 100;
    String python = "/usr/bin/python3";
    String script = "benchmarks/monitoring/drift_bench.py";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows":
          rows = Integer.parseInt(args[i + 1]);
          break;
        case "--cols":
          cols = Integer.parseInt(args[i + 1]);
          break;
        case "--wide":
          wide = Integer.parseInt(args[i + 1]);
          break;
        case "--python":
          python = args[i + 1];
          break;
        case "--script":
          script = args[i + 1];
          break;
        default:
          throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Path tmp = Files.createTempDirectory("mlops-drift-bench");
    try (Mlops m = Mlops.open(tmp.resolve(".mlops"))) {
      Monitoring mon = m.monitoring();
      System.out.printf(
          Locale.ROOT,
          "mlops-monitoring drift benchmark: %,d rows x %d columns (and x %d), %d cores, JDK %s%n",
          rows,
          cols,
          wide,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      // warm up the JIT on a small problem
      watchGc();
      Table[] small = tables(50_000, 4, 7, null, null);
      mon.drift(small[0], small[1]);
      threeMethods(mon, small[0], small[1]);

      if (cols > 0) {
        Path refFile = tmp.resolve("ref.f64");
        Path curFile = tmp.resolve("cur.f64");
        Table[] t = tables(rows, cols, 1, refFile, curFile);
        double raw = 2.0 * rows * cols * 8;
        System.gc();
        resetPeaks();
        long t0 = System.nanoTime();
        DriftReport d = mon.drift(t[0], t[1]);
        double javaDefault = (System.nanoTime() - t0) / 1e9;
        long peakDefault = peakHeap();
        long liveDefault = livePeak();
        resetPeaks();
        t0 = System.nanoTime();
        DriftReport[] set = threeMethods(mon, t[0], t[1]);
        double javaSet = (System.nanoTime() - t0) / 1e9;
        long peakSet = peakHeap();
        long liveSet = livePeak();
        t = null;

        Py py = runPython(python, script, refFile, curFile, rows, cols);
        System.out.printf(Locale.ROOT, "numpy %s, scipy %s (%s)%n", py.numpy, py.scipy, python);
        double maxRel = 0;
        double maxKs = 0;
        for (int c = 0; c < cols; c++) {
          maxRel = Math.max(maxRel, relDiff(d.column("c" + c).statistic(), py.wasserstein.get(c)));
          maxRel = Math.max(maxRel, relDiff(set[1].column("c" + c).statistic(), py.psi.get(c)));
          maxKs = Math.max(maxKs, Math.abs(set[0].column("c" + c).pValue() - py.ks.get(c)));
        }
        System.out.println();
        System.out.println("| workload | mlops-java (s) | numpy/scipy (s) | ratio java/scipy |");
        System.out.println("|---|---:|---:|---:|");
        row("default tests (normed Wasserstein), " + cols + " cols", javaDefault, py.defaultS);
        row("KS + PSI + normed Wasserstein, " + cols + " cols", javaSet, py.setS);
        System.out.printf(
            Locale.ROOT,
            "%nagreement with scipy: normed Wasserstein and PSI max relative difference %.2e;"
                + " KS p-value (asymptotic) max absolute difference %.2e%n",
            maxRel,
            maxKs);
        System.out.printf(
            Locale.ROOT,
            "raw arrays (reference + current) %.0f MB; heap after GC, max during drift: default %.0f"
                + " MB (%.2fx raw), set %.0f MB (%.2fx raw); sum of pool peaks incl. garbage: %.0f"
                + " MB (%.2fx), %.0f MB (%.2fx)%n",
            raw / 1e6,
            liveDefault / 1e6,
            liveDefault / raw,
            liveSet / 1e6,
            liveSet / raw,
            peakDefault / 1e6,
            peakDefault / raw,
            peakSet / 1e6,
            peakSet / raw);
        Files.deleteIfExists(refFile);
        Files.deleteIfExists(curFile);
      }

      if (wide > 0) {
        Table[] w = tables(rows, wide, 2, null, null);
        double rawWide = 2.0 * rows * wide * 8;
        System.gc();
        resetPeaks();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        DriftReport dw = mon.drift(w[0], w[1]);
        double wideS = (System.nanoTime() - t0) / 1e9;
        double wideCpu = (processCpuNanos() - cpu0) / 1e9;
        long peakWide = peakHeap();
        long liveWide = livePeak();
        System.out.printf(
            Locale.ROOT,
            "%n%,d rows x %d columns, default tests: %.2f s (goal < 10 s; process CPU %.2f s),"
                + " %d drifted; raw arrays %.0f MB; heap after GC, max %.0f MB (%.2fx raw); sum of"
                + " pool peaks %.0f MB (%.2fx)%n",
            rows,
            wide,
            wideS,
            wideCpu,
            dw.driftedColumns(),
            rawWide / 1e6,
            liveWide / 1e6,
            liveWide / rawWide,
            peakWide / 1e6,
            peakWide / rawWide);
      }
    } finally {
      try (var s = Files.walk(tmp)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static DriftReport[] threeMethods(Monitoring mon, Table ref, Table cur) {
    return new DriftReport[] {
      mon.drift(ref, cur, DriftOptions.defaults().method("ks")),
      mon.drift(ref, cur, DriftOptions.defaults().method("psi")),
      mon.drift(ref, cur, DriftOptions.defaults().method("wasserstein"))
    };
  }

  /** CPU time of this JVM (all threads, incl. GC and JIT). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void row(String name, double java, double scipy) {
    System.out.printf(
        Locale.ROOT, "| %s | %.3f | %.3f | %.2fx |%n", name, java, scipy, java / scipy);
  }

  private static double relDiff(double a, double b) {
    return a == b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
  }

  /** Reference N(0,1); current N(0,1) for even columns, N(0.05,1.1) for odd ones. */
  private static Table[] tables(int rows, int cols, long seed, Path refFile, Path curFile)
      throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    Table.Builder rb = Table.builder();
    Table.Builder cb = Table.builder();
    try (OutputStream ro = refFile == null ? null : out(refFile);
        OutputStream co = curFile == null ? null : out(curFile)) {
      for (int c = 0; c < cols; c++) {
        double[] r = new double[rows];
        double[] k = new double[rows];
        double shift = c % 2 == 0 ? 0 : 0.05;
        double scale = c % 2 == 0 ? 1 : 1.1;
        for (int i = 0; i < rows; i++) {
          r[i] = gaussian(rnd);
          k[i] = gaussian(rnd) * scale + shift;
        }
        write(ro, r);
        write(co, k);
        rb.numeric("c" + c, r);
        cb.numeric("c" + c, k);
      }
    }
    return new Table[] {rb.build(), cb.build()};
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller; SplittableRandom has no nextGaussian on JDK 17
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static OutputStream out(Path p) throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(p), 1 << 20);
  }

  private static void write(OutputStream o, double[] a) throws IOException {
    if (o == null) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(a);
    o.write(b.array());
  }

  private static final java.util.concurrent.atomic.AtomicLong LIVE_PEAK =
      new java.util.concurrent.atomic.AtomicLong();

  /** Tracks the heap in use right after each GC (live data plus what survived), as a maximum. */
  private static void watchGc() {
    for (java.lang.management.GarbageCollectorMXBean gc :
        ManagementFactory.getGarbageCollectorMXBeans()) {
      ((javax.management.NotificationEmitter) gc)
          .addNotificationListener(
              (n, h) -> {
                if (!n.getType()
                    .equals(
                        com.sun.management.GarbageCollectionNotificationInfo
                            .GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                var info =
                    com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) n.getUserData());
                long used = 0;
                for (var u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                  used += u.getUsed();
                }
                LIVE_PEAK.accumulateAndGet(used, Math::max);
              },
              null,
              null);
    }
  }

  private static void resetPeaks() {
    LIVE_PEAK.set(0);
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** The largest heap in use after a GC since the last reset (0 when no GC ran). */
  private static long livePeak() {
    return LIVE_PEAK.get();
  }

  /** Sum of the heap pools' peaks since the last reset (an upper bound of the true peak). */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static final class Py {
    String numpy;
    String scipy;
    double defaultS;
    double setS;
    List<Double> wasserstein;
    List<Double> ks;
    List<Double> psi;
  }

  private static Py runPython(String python, String script, Path ref, Path cur, int rows, int cols)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                python,
                script,
                ref.toString(),
                cur.toString(),
                Integer.toString(rows),
                Integer.toString(cols))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("python baseline failed (exit " + p.exitValue() + ")");
    }
    String json = new String(out, StandardCharsets.UTF_8);
    Py py = new Py();
    py.numpy = str(json, "numpy");
    py.scipy = str(json, "scipy");
    py.defaultS = Double.parseDouble(num(json, "default_s"));
    py.setS = Double.parseDouble(num(json, "ks_psi_wass_s"));
    py.wasserstein = list(json, "wasserstein");
    py.ks = list(json, "ks_p");
    py.psi = list(json, "psi");
    return py;
  }

  private static String str(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  private static String num(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + key + " in " + json);
    }
    return m.group(1);
  }

  private static List<Double> list(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + key);
    }
    List<Double> out = new ArrayList<>();
    for (String s : m.group(1).split(",")) {
      out.add(Double.parseDouble(s.trim()));
    }
    return out;
  }
}
