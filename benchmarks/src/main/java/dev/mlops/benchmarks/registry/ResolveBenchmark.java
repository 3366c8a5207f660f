package dev.mlops.benchmarks.registry;

import dev.mlops.Mlops;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code resolve("m#production")} on a registry of 1,000 models x 100 versions, against the
 * machine's limit: the same lookup as one reused prepared statement over raw JDBC on the same
 * SQLite file.
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip -DnoEP} then
 * {@code java -cp "benchmarks/target/classes:$(cat cp.txt)" dev.mlops.benchmarks.registry
 * .ResolveBenchmark [models] [versions] [iterations]} (see benchmarks/registry/run.sh).
 */
public final class ResolveBenchmark {
  private ResolveBenchmark() {}

  public static void main(String[] args) throws Exception {
    int models = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
    Path dir = Files.createTempDirectory("registry-bench");
    try {
      run(dir, models, versions, iterations);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path dir, int models, int versions, int iterations) throws Exception {
    Path home = dir.resolve("home");
    try (Mlops m = Mlops.open(home)) {
      ModelRegistry reg = m.registry();
      long t0 = System.nanoTime();
      seed(reg, dir, home, models, versions);
      // one stage move through the API, so the seeded rows and API rows agree
      reg.assignStage("m0", versions / 2, "production");
      System.out.printf(
          "seeded %d models x %d versions in %.1f s%n",
          models, versions, (System.nanoTime() - t0) / 1e9);
      ModelVersion check = reg.resolve("m0#production");
      if (check.version() != versions / 2) {
        throw new IllegalStateException("seeding is wrong: " + check);
      }

      Random rnd = new Random(42);
      String[] refs = new String[iterations];
      for (int i = 0; i < iterations; i++) {
        refs[i] = "m" + rnd.nextInt(models) + "#production";
      }
      // warm up both paths
      for (int i = 0; i < Math.min(iterations, 20_000); i++) {
        reg.resolve(refs[i]);
      }
      long[] ours = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        long s = System.nanoTime();
        reg.resolve(refs[i]);
        ours[i] = System.nanoTime() - s;
      }
      long[] raw = rawJdbc(home, refs);
      Arrays.sort(ours);
      Arrays.sort(raw);
      System.out.printf("%-44s %12s %12s%n", "what", "median us", "p99 us");
      System.out.printf(
          "%-44s %12.1f %12.1f%n",
          "registry.resolve(\"m#production\")", us(ours, 50), us(ours, 99));
      System.out.printf(
          "%-44s %12.1f %12.1f%n",
          "raw JDBC, one reused prepared statement", us(raw, 50), us(raw, 99));
      System.out.printf(
          "ratio (ours / raw, median): %.1fx; target: median < 200 us -> %s%n",
          us(ours, 50) / us(raw, 50), us(ours, 50) < 200 ? "met" : "NOT met");
    }
  }

  private static double us(long[] sorted, int pct) {
    return sorted[Math.min(sorted.length - 1, sorted.length * pct / 100)] / 1e3;
  }

  /** The floor: the same indexed lookup, statement prepared once, no JSON, no object. */
  private static long[] rawJdbc(Path home, String[] refs) throws SQLException {
    long[] out = new long[refs.length];
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("mlops.db"));
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT version, digest FROM registry_versions WHERE name = ? AND stage_key = ?"
                    + " AND status = 'READY' ORDER BY stage_seq DESC, version DESC LIMIT 1")) {
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < refs.length; i++) {
          String name = refs[i].substring(0, refs[i].indexOf('#'));
          long s = System.nanoTime();
          ps.setString(1, name);
          ps.setString(2, "production");
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new IllegalStateException("no holder for " + name);
            }
            rs.getInt(1);
            rs.getString(2);
          }
          out[i] = System.nanoTime() - s;
        }
      }
    }
    return out;
  }

  /**
   * Registers one real version through the API, then copies its row to every model and version with
   * plain SQL in one transaction (100k registrations through the API would take minutes of file
   * copying and fsyncs, which is not what this benchmark measures).
   */
  private static void seed(ModelRegistry reg, Path dir, Path home, int models, int versions)
      throws IOException, SQLException {
    Path f = Files.writeString(dir.resolve("model.bin"), "weights");
    reg.register("m0", ModelSource.ofPath(f));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("mlops.db"))) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 30000");
      }
      try (PreparedStatement model =
              c.prepareStatement(
                  "INSERT OR IGNORE INTO registry_models (name, description, created_at,"
                      + " updated_at, last_version, deleted) VALUES (?, '', 0, 0, ?, 0)");
          PreparedStatement last =
              c.prepareStatement("UPDATE registry_models SET last_version = ? WHERE name = ?");
          PreparedStatement ver =
              c.prepareStatement(
                  "INSERT INTO registry_versions (name, version, status, semver, stage, stage_key,"
                      + " stage_seq, run_id, source, digest, manifest, description, signature,"
                      + " lineage, size_bytes, file_count, created_at, updated_at)"
                      + " SELECT ?, ?, 'READY', NULL, ?, ?, ?, run_id, source, digest, manifest,"
                      + " description, signature, lineage, size_bytes, file_count, ?, ?"
                      + " FROM registry_versions WHERE name = 'm0' AND version = 1")) {
        Random rnd = new Random(7);
        for (int mi = 0; mi < models; mi++) {
          String name = "m" + mi;
          model.setString(1, name);
          model.setInt(2, versions);
          model.executeUpdate();
          last.setInt(1, versions);
          last.setString(2, name);
          last.executeUpdate();
          int prod = 1 + rnd.nextInt(versions);
          for (int v = mi == 0 ? 2 : 1; v <= versions; v++) {
            String stage = v == prod && mi != 0 ? "Production" : v < prod ? "Archived" : "None";
            ver.setString(1, name);
            ver.setInt(2, v);
            ver.setString(3, stage);
            ver.setString(4, stage.toLowerCase(java.util.Locale.ROOT));
            ver.setLong(5, v);
            ver.setLong(6, v);
            ver.setLong(7, v);
            ver.addBatch();
          }
          if (mi % 50 == 49) {
            ver.executeBatch();
          }
        }
        ver.executeBatch();
      }
      c.commit();
    }
  }
}
