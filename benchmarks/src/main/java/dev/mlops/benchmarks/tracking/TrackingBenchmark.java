package dev.mlops.benchmarks.tracking;

import dev.mlops.Mlops;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Page;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Benchmarks of issue 2, each against the machine's limit measured in the same run:
 *
 * <ol>
 *   <li>1,000,000 metric points (100 keys x 10,000 steps) through {@code run.metric} until {@code
 *       close()} returns, vs raw JDBC batch inserts of the same rows into a bare SQLite table with
 *       the same settings (WAL, synchronous=NORMAL), one row per point (the store writes each
 *       flush's points of one run and key as one packed row, so it may beat this baseline);
 *   <li>caller latency of {@code run.metric} (p50, p99), vs appending the same record to a list
 *       under a lock;
 *   <li>search over 100,000 runs x (10 params, 10 metrics): a 2-clause filter, order by a metric,
 *       limit 100, vs the best hand-written SQL over the same (search) tables: a walk of the order
 *       key's index probing the filter; and a selective 3-clause filter, for which the search gives
 *       up its walk and falls back to the filter-driven plan, vs the hand-written filter-driven
 *       SQL.
 * </ol>
 *
 * Flags: {@code --keys=100 --steps=10000 --latency-calls=1000000 --runs=100000 --search-repeats=21
 * --dir=<folder>}. Not a test: it prints a table.
 */
public final class TrackingBenchmark {
  private final Map<String, String> flags = new HashMap<>();
  private final Path dir;
  private final List<String[]> rows = new ArrayList<>();

  private TrackingBenchmark(String[] args) throws IOException {
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        flags.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
    }
    dir =
        flags.containsKey("dir")
            ? Files.createDirectories(Path.of(flags.get("dir")))
            : Files.createTempDirectory("mlops-bench-tracking");
  }

  private int flag(String name, int defaultValue) {
    return Integer.parseInt(flags.getOrDefault(name, String.valueOf(defaultValue)));
  }

  public static void main(String[] args) throws Exception {
    TrackingBenchmark b = new TrackingBenchmark(args);
    try {
      String only = b.flags.getOrDefault("only", "throughput,latency,search");
      if (only.contains("throughput")) {
        b.throughput();
      }
      if (only.contains("latency")) {
        b.latency();
      }
      if (only.contains("search")) {
        b.search();
      }
      b.print();
    } finally {
      b.cleanup();
    }
  }

  // ------------------------------------------------------------------ 1. throughput

  private void throughput() throws Exception {
    int keys = flag("keys", 100);
    int steps = flag("steps", 10_000);
    long points = (long) keys * steps;
    String[] names = new String[keys];
    for (int k = 0; k < keys; k++) {
      names[k] = "metric_" + k;
    }

    // raw JDBC first, so both see a warm JIT for the driver
    Path rawDb = dir.resolve("raw.db");
    for (String scratch : List.of("raw.db", "raw.db-wal", "raw.db-shm", "home-throughput")) {
      deleteTree(dir.resolve(scratch)); // from an earlier run with the same --dir
    }
    resetPeakHeap();
    long t0 = System.nanoTime();
    try (Connection c = connect(rawDb)) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE metrics (run_id TEXT, key TEXT, step INTEGER, timestamp INTEGER,"
                + " value REAL)");
      }
      c.setAutoCommit(false);
      String runId = UUID.randomUUID().toString().replace("-", "");
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO metrics VALUES (?, ?, ?, ?, ?)")) {
        long n = 0;
        for (int step = 0; step < steps; step++) {
          for (int k = 0; k < keys; k++) {
            ps.setString(1, runId);
            ps.setString(2, names[k]);
            ps.setLong(3, step);
            ps.setLong(4, System.currentTimeMillis());
            ps.setDouble(5, step * 0.001 + k);
            ps.addBatch();
            if (++n % 20_000 == 0) {
              ps.executeBatch();
              c.commit();
            }
          }
        }
        ps.executeBatch();
        c.commit();
      }
    }
    double rawSeconds = (System.nanoTime() - t0) / 1e9;
    long rawHeap = peakHeap();

    resetPeakHeap();
    double oursSeconds;
    try (Mlops m = Mlops.open(dir.resolve("home-throughput"))) {
      ActiveRun run = m.tracking().start("bench-throughput");
      long t1 = System.nanoTime();
      for (int step = 0; step < steps; step++) {
        for (int k = 0; k < keys; k++) {
          run.metric(names[k], step * 0.001 + k, step);
        }
      }
      run.close();
      oursSeconds = (System.nanoTime() - t1) / 1e9;
      long stored = m.tracking().metricHistory(run.id(), names[0]).size();
      if (stored != steps) {
        throw new IllegalStateException("lost points: " + stored + " of " + steps);
      }
    }
    long oursHeap = peakHeap();
    double oursRate = points / oursSeconds;
    double rawRate = points / rawSeconds;
    row(
        "1. log " + points + " points until close()",
        fmt(oursRate) + " pts/s",
        fmt(rawRate) + " pts/s (raw JDBC batch)",
        String.format(Locale.ROOT, "%.2fx (goal >= 0.5x)", oursRate / rawRate));
    row(
        "   peak heap while logging",
        mb(oursHeap),
        mb(rawHeap) + " (raw JDBC)",
        String.format(Locale.ROOT, "%.2fx", (double) oursHeap / Math.max(1, rawHeap)));
  }

  // ------------------------------------------------------------------ 2. latency

  private void latency() throws Exception {
    int calls = flag("latency-calls", 1_000_000);
    long[] ours = new long[calls];
    deleteTree(dir.resolve("home-latency"));
    try (Mlops m = Mlops.open(dir.resolve("home-latency"))) {
      ActiveRun run = m.tracking().start("bench-latency");
      for (int i = 0; i < 200_000; i++) { // warm-up
        run.metric("warm", i, i);
      }
      run.flush();
      for (int i = 0; i < calls; i++) {
        long t = System.nanoTime();
        run.metric("loss", i * 0.5, i);
        ours[i] = System.nanoTime() - t;
      }
      run.close();
    }
    long[] limit = new long[calls];
    ReentrantLock lock = new ReentrantLock();
    List<Object[]> sink = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      long t = System.nanoTime();
      lock.lock();
      try {
        sink.add(new Object[] {"run", "loss", i * 0.5, (long) i, System.currentTimeMillis()});
        if (sink.size() >= 100_000) {
          sink.clear();
        }
      } finally {
        lock.unlock();
      }
      limit[i] = System.nanoTime() - t;
    }
    Arrays.sort(ours);
    Arrays.sort(limit);
    for (double q : new double[] {0.5, 0.99, 0.999}) {
      long o = ours[(int) (q * (calls - 1))];
      long l = limit[(int) (q * (calls - 1))];
      String goal = q == 0.5 ? " (goal < 1 us)" : q == 0.99 ? " (goal < 20 us)" : "";
      row(
          String.format(
              Locale.ROOT,
              "2. run.metric() latency p%s",
              q * 100 % 1 == 0 ? String.valueOf((int) (q * 100)) : String.valueOf(q * 100)),
          us(o) + goal,
          us(l) + " (list add under a lock)",
          String.format(Locale.ROOT, "%.1fx", (double) o / Math.max(1, l)));
    }
  }

  // ------------------------------------------------------------------ 3. search

  private void search() throws Exception {
    int runs = flag("runs", 100_000);
    int repeats = flag("search-repeats", 21);
    Path home = dir.resolve("home-search");
    String filter = "metrics.m0 > 0.5 and params.p1 = 'v3'";
    try (Mlops m = Mlops.open(home)) {
      // create the schema and the experiment through the API, then bulk-load rows with raw SQL
      // (creating 100,000 runs one transaction at a time would take minutes)
      // with --dir, a home populated by an earlier run is reused
      boolean populated =
          m.tracking()
                  .search(RunQuery.in("bench-search").filter("attributes.run_name = 'run-0'"))
                  .items()
                  .size()
              == 1;
      long t0 = System.nanoTime();
      if (!populated) {
        Run seed = m.tracking().run("bench-search", r -> r.param("p0", "v0"));
        populate(home.resolve("mlops.db"), seed, runs);
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;

      String rawTopK =
          "SELECT s.run_id FROM search_metrics w CROSS JOIN search_runs s ON s.rk = w.rk"
              + " WHERE w.key = 'm1' AND w.value IS NOT NULL"
              + " AND EXISTS (SELECT 1 FROM search_metrics x WHERE x.rk = w.rk AND x.key = 'm0'"
              + " AND +x.value > 0.5)"
              + " AND EXISTS (SELECT 1 FROM search_params x WHERE x.rk = w.rk AND x.key = 'p1'"
              + " AND +x.value = 'v3')"
              + " ORDER BY w.value DESC LIMIT 100";
      int found =
          searchRow(
              m,
              home,
              "3. search " + runs + " runs x (10 params, 10 metrics), median",
              filter,
              "(goal < 50 ms)",
              rawTopK,
              repeats);
      row(
          "   filter: " + filter + ", order by metrics.m1 DESC, limit 100",
          found + " runs returned",
          populated
              ? "reused the loaded home"
              : String.format(Locale.ROOT, "bulk load %.1f s", loadSeconds),
          "");
      // a filter too selective for the ordered walk: it gives up and the filter-driven plan runs
      String selective = "params.p1 = 'v3' and params.p2 = 'v5' and metrics.m0 > 0.5";
      String rawSelective =
          "SELECT s.run_id, (SELECT x.value FROM search_metrics x WHERE x.rk = s.rk"
              + " AND x.key = 'm1') AS o FROM search_params p CROSS JOIN search_runs s ON s.rk = p.rk"
              + " WHERE p.key = 'p1' AND p.value = 'v3'"
              + " AND EXISTS (SELECT 1 FROM search_params x WHERE x.rk = p.rk AND x.key = 'p2'"
              + " AND +x.value = 'v5')"
              + " AND EXISTS (SELECT 1 FROM search_metrics x WHERE x.rk = p.rk AND x.key = 'm0'"
              + " AND +x.value > 0.5)"
              + " ORDER BY o DESC LIMIT 100";
      int selectiveFound =
          searchRow(
              m,
              home,
              "   3b. selective 3-clause filter, same order",
              selective,
              "",
              rawSelective,
              repeats);
      row("   filter: " + selective, selectiveFound + " runs returned", "", "");
    }
  }

  /** Times the search and a hand-written SQL query (same row count) in turns; adds a row. */
  private int searchRow(
      Mlops m, Path home, String label, String filter, String goal, String rawSql, int repeats)
      throws SQLException {
    RunQuery query =
        RunQuery.in("bench-search").filter(filter).orderBy("metrics.m1 DESC").limit(100);
    long[] ours = new long[repeats];
    long[] raw = new long[repeats];
    long[] oursCpu = new long[repeats];
    long[] rawCpu = new long[repeats];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int found = 0;
    try (Connection c = connect(home.resolve("mlops.db"))) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA cache_size = -32768"); // as the store's search connections
      }
      for (int i = 0; i < repeats + 3; i++) {
        long cpu = threads.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        Page<Run> page = m.tracking().search(query);
        long elapsed = System.nanoTime() - t;
        long elapsedCpu = threads.getCurrentThreadCpuTime() - cpu;
        found = page.items().size();
        cpu = threads.getCurrentThreadCpuTime();
        t = System.nanoTime();
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement(rawSql);
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
          }
        }
        long rawElapsed = System.nanoTime() - t;
        long rawElapsedCpu = threads.getCurrentThreadCpuTime() - cpu;
        if (n != found) {
          throw new IllegalStateException("baseline found " + n + ", search found " + found);
        }
        if (i >= 3) {
          ours[i - 3] = elapsed;
          raw[i - 3] = rawElapsed;
          oursCpu[i - 3] = elapsedCpu;
          rawCpu[i - 3] = rawElapsedCpu;
        }
      }
    }
    for (long[] a : List.of(ours, raw, oursCpu, rawCpu)) {
      Arrays.sort(a);
    }
    long o = ours[repeats / 2];
    long r = raw[repeats / 2];
    row(
        label,
        ms(o) + " (cpu " + ms(oursCpu[repeats / 2]) + ")" + (goal.isEmpty() ? "" : " " + goal),
        ms(r) + " (cpu " + ms(rawCpu[repeats / 2]) + ", hand-written SQL, ids only)",
        String.format(Locale.ROOT, "%.1fx", (double) o / Math.max(1, r)));
    return found;
  }

  private static void populate(Path db, Run seed, int runs) throws SQLException {
    Random random = new Random(42);
    try (Connection c = connect(db)) {
      try (Statement s = c.createStatement()) {
        // setup only: random run ids scatter the inserts over the tables' pages
        s.execute("PRAGMA cache_size = -262144");
      }
      c.setAutoCommit(false);
      long experimentId = Long.parseLong(seed.experimentId());
      String base = seed.artifactUri().toString();
      base = base.substring(0, base.lastIndexOf('/') + 1);
      try (PreparedStatement run =
              c.prepareStatement(
                  "INSERT INTO runs (run_id, experiment_id, name, status, start_time, end_time,"
                      + " artifact_uri, lifecycle_stage) VALUES (?, ?, ?, 'FINISHED', ?, ?, ?,"
                      + " 'active')");
          PreparedStatement param =
              c.prepareStatement("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)");
          PreparedStatement tag =
              c.prepareStatement("INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)");
          PreparedStatement metric =
              c.prepareStatement(
                  "INSERT INTO metrics (run_id, key, step, timestamp, kind, value)"
                      + " VALUES (?, ?, 0, ?, 0, ?)");
          PreparedStatement latest =
              c.prepareStatement(
                  "INSERT INTO latest_metrics (run_id, key, step, timestamp, kind, value)"
                      + " VALUES (?, ?, 0, ?, 0, ?)")) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < runs; i++) {
          String id = UUID.randomUUID().toString().replace("-", "");
          run.setString(1, id);
          run.setLong(2, experimentId);
          run.setString(3, "run-" + i);
          run.setLong(4, now - runs + i);
          run.setLong(5, now - runs + i + 10);
          run.setString(6, base + id);
          run.addBatch();
          tag.setString(1, id);
          tag.setString(2, "mlflow.runName");
          tag.setString(3, "run-" + i);
          tag.addBatch();
          for (int k = 0; k < 10; k++) {
            param.setString(1, id);
            param.setString(2, "p" + k);
            param.setString(3, "v" + random.nextInt(10));
            param.addBatch();
            double v = random.nextDouble();
            for (PreparedStatement ps : List.of(metric, latest)) {
              ps.setString(1, id);
              ps.setString(2, "m" + k);
              ps.setLong(3, now);
              ps.setDouble(4, v);
              ps.addBatch();
            }
          }
          if (i % 5000 == 4999) {
            for (PreparedStatement ps : List.of(run, tag, param, metric, latest)) {
              ps.executeBatch();
            }
            c.commit();
          }
        }
        for (PreparedStatement ps : List.of(run, tag, param, metric, latest)) {
          ps.executeBatch();
        }
        c.commit();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static Connection connect(Path db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("journal_mode", "WAL");
    p.setProperty("synchronous", "NORMAL");
    p.setProperty("busy_timeout", "30000");
    return DriverManager.getConnection("jdbc:sqlite:" + db, p);
  }

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private void row(String what, String ours, String limit, String ratio) {
    rows.add(new String[] {what, ours, limit, ratio});
  }

  private void print() {
    String[] header = {"benchmark", "mlops-java", "machine limit (same run)", "ratio"};
    int[] w = new int[4];
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (String[] r : all) {
      for (int i = 0; i < 4; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder("\n");
    for (String[] r : all) {
      sb.append("| ");
      for (int i = 0; i < 4; i++) {
        sb.append(String.format(Locale.ROOT, "%-" + w[i] + "s", r[i])).append(" | ");
      }
      sb.setLength(sb.length() - 1);
      sb.append('\n');
      if (r == header) {
        sb.append('|');
        for (int i = 0; i < 4; i++) {
          sb.append("-".repeat(w[i] + 2)).append('|');
        }
        sb.append('\n');
      }
    }
    System.out.print(sb);
    System.out.println(
        "java "
            + System.getProperty("java.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, max heap "
            + mb(Runtime.getRuntime().maxMemory()));
  }

  private void cleanup() {
    if (flags.containsKey("dir")) {
      return;
    }
    deleteTree(dir);
  }

  /** Deletes a file or folder tree if present (scratch data of an earlier run with --dir). */
  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fmt(double rate) {
    return String.format(Locale.ROOT, "%,.0f", rate);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
  }

  private static String us(long nanos) {
    return String.format(Locale.ROOT, "%.2f us", nanos / 1000.0);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
