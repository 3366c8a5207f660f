package dev.mlops.tracking.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.spi.Database;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.RunMetric;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Run;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Points logged in random flushes (interleaved keys and runs, duplicates, NaN, infinities, -0.0,
 * out-of-order steps) come back from the packed history exactly: ordered by step, timestamp, then
 * value (plain values ascending, NaN, -0.0), exact duplicates once; the latest value follows
 * MLflow.
 */
class MetricBlocksTest {
  private static final double[] SPECIAL = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE
  };

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void historyIsExactOrderedAndWithoutDuplicates(long seed) {
    Random random = new Random(seed);
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("mlops.db"));
        SqliteTrackingStore store = new SqliteTrackingStore(db, false, dir.toUri())) {
      String exp = store.getOrCreateExperiment("e").id();
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        runs.add(store.createRun(new NewRun(exp, "r" + i, null, i, Map.of())));
      }
      Comparator<Metric> order =
          Comparator.comparingLong(Metric::step)
              .thenComparingLong(Metric::timestamp)
              .thenComparingInt(m -> rank(m.value()))
              .thenComparingDouble(Metric::value);
      Map<String, TreeSet<Metric>> expected = new java.util.HashMap<>();
      List<RunMetric> all = new ArrayList<>();
      for (int flush = 0; flush < 20; flush++) {
        List<RunMetric> points = new ArrayList<>();
        for (int n = random.nextInt(300); n >= 0; n--) {
          RunMetric p =
              random.nextInt(10) == 0 && !all.isEmpty()
                  ? all.get(random.nextInt(all.size()))
                  : new RunMetric(
                      runs.get(random.nextInt(runs.size())).id(),
                      "k" + random.nextInt(4),
                      random.nextInt(8) == 0
                          ? SPECIAL[random.nextInt(SPECIAL.length)]
                          : random.nextGaussian(),
                      random.nextInt(50),
                      random.nextInt(3));
          points.add(p);
          all.add(p);
          expected
              .computeIfAbsent(p.runId() + "/" + p.key(), k -> new TreeSet<>(order))
              .add(p.toMetric());
        }
        store.logMetrics(points);
      }
      for (Run r : runs) {
        Map<String, Double> latest = store.run(r.id()).orElseThrow().metrics();
        for (int k = 0; k < 4; k++) {
          TreeSet<Metric> want = expected.get(r.id() + "/k" + k);
          List<Metric> got = store.metricHistory(r.id(), "k" + k);
          if (want == null) {
            assertThat(got).as("seed " + seed).isEmpty();
            continue;
          }
          assertThat(got).as("seed " + seed).containsExactlyElementsOf(want);
          Metric newest = want.stream().reduce((a, b) -> newer(b, a) ? b : a).orElseThrow();
          assertThat(latest.get("k" + k)).as("seed " + seed).isEqualTo(newest.value());
        }
      }
    }
  }

  private static boolean newer(Metric a, Metric b) {
    return SqliteTrackingStore.isNewer(
        new RunMetric("r", a.key(), a.value(), a.step(), a.timestamp()),
        new RunMetric("r", b.key(), b.value(), b.step(), b.timestamp()));
  }

  private static int rank(double v) {
    if (Double.isNaN(v)) {
      return 1;
    }
    return v == 0.0 && Double.doubleToRawLongBits(v) != 0L ? 2 : 0;
  }
}
