package dev.mlops.monitoring.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.NotFoundException;
import dev.mlops.monitoring.ColumnSummary;
import dev.mlops.monitoring.ColumnType;
import dev.mlops.monitoring.DataSummary;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.ValueCount;
import dev.mlops.spi.PythonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Per-column data-quality metrics. Thread-safe. */
public final class SummaryEngine {
  private static final int MOST_COMMON = 5;

  private SummaryEngine() {}

  /** Summarises every column of {@code t}. */
  public static DataSummary summary(Table t) {
    List<ColumnSummary> cols =
        t.columnNames().parallelStream().map(c -> column(t, c)).collect(Collectors.toList());
    return new Impl(t.rowCount(), cols);
  }

  static ColumnSummary column(Table t, String name) {
    ColumnType type = t.type(name);
    int rows = t.rowCount();
    if (type == ColumnType.NUMERIC || type == ColumnType.DATETIME) {
      double[] v = t.numeric(name);
      double[] sorted = v.clone();
      Arrays.sort(sorted); // NaN sort last
      int count = 0;
      while (count < sorted.length && !Double.isNaN(sorted[count])) {
        count++;
      }
      long inf = 0;
      Map<Double, Long> freq = new HashMap<>();
      int distinct = 0;
      long bestCount = 0;
      double best = Double.NaN;
      for (int i = 0; i < count; ) {
        int e = i;
        while (e < count && sorted[e] == sorted[i]) {
          e++;
        }
        distinct++;
        if (Double.isInfinite(sorted[i])) {
          inf += e - i;
        }
        freq.put(sorted[i], (long) (e - i));
        if (e - i > bestCount) {
          bestCount = e - i;
          best = sorted[i];
        }
        i = e;
      }
      double[] finite = Arrays.stream(sorted, 0, count).filter(Double::isFinite).toArray();
      List<ValueCount> mc = new ArrayList<>();
      if (distinct < count) {
        final int rowsF = rows;
        freq.entrySet().stream()
            .sorted(
                Map.Entry.<Double, Long>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(MOST_COMMON)
            .forEach(
                en ->
                    mc.add(
                        new ValueCount(
                            type == ColumnType.DATETIME
                                ? java.time.Instant.ofEpochMilli(en.getKey().longValue()).toString()
                                : Table.formatNumber(en.getKey()),
                            en.getValue(),
                            en.getValue() / (double) rowsF)));
      }
      boolean any = finite.length > 0;
      return new ColumnSummary(
          name,
          type,
          rows,
          count,
          rows - count,
          rows == 0 ? Double.NaN : (rows - count) / (double) rows,
          inf,
          any ? finite[0] : Double.NaN,
          any ? finite[finite.length - 1] : Double.NaN,
          any ? Sorted2.mean(finite) : Double.NaN,
          finite.length > 1 ? Math.sqrt(Sorted2.variance(finite, 1)) : Double.NaN,
          quantile(finite, 0.25),
          quantile(finite, 0.5),
          quantile(finite, 0.75),
          distinct,
          mc);
    }
    Map<String, Long> freq = new HashMap<>();
    long count = 0;
    for (String s : t.strings(name)) {
      if (s != null) {
        freq.merge(s, 1L, Long::sum);
        count++;
      }
    }
    List<ValueCount> mc = new ArrayList<>();
    if (freq.size() < count) {
      freq.entrySet().stream()
          .sorted(
              Map.Entry.<String, Long>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry::getKey, PythonText.CODE_POINT_ORDER))
          .limit(MOST_COMMON)
          .forEach(
              en ->
                  mc.add(
                      new ValueCount(en.getKey(), en.getValue(), en.getValue() / (double) rows)));
    }
    return new ColumnSummary(
        name,
        type,
        rows,
        count,
        rows - count,
        rows == 0 ? Double.NaN : (rows - count) / (double) rows,
        0,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        freq.size(),
        mc);
  }

  /** numpy's default (linear) quantile of a sorted array; NaN when empty. */
  static double quantile(double[] sorted, double q) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    double h = (n - 1) * q;
    int lo = (int) Math.floor(h);
    double t = h - lo;
    double a = sorted[lo];
    double b = sorted[Math.min(lo + 1, n - 1)];
    return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
  }

  /** Small numeric helpers (kept here to avoid exposing stats internals). */
  static final class Sorted2 {
    private Sorted2() {}

    static double mean(double[] a) {
      return dev.mlops.monitoring.stats.Sorted.mean(a);
    }

    static double variance(double[] a, int ddof) {
      return dev.mlops.monitoring.stats.Sorted.variance(a, ddof);
    }
  }

  private static final class Impl implements DataSummary {
    private final int rows;
    private final List<ColumnSummary> columns;

    Impl(int rows, List<ColumnSummary> columns) {
      this.rows = rows;
      this.columns = List.copyOf(columns);
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public List<ColumnSummary> columns() {
      return columns;
    }

    @Override
    public ColumnSummary column(String name) {
      return columns.stream()
          .filter(c -> c.column().equals(name))
          .findFirst()
          .orElseThrow(() -> new NotFoundException("column '" + name + "' is not in the summary"));
    }

    @Override
    public String toJson() {
      ObjectNode root = Json.object();
      root.put("schema", "mlops.monitoring.summary/v1");
      root.put("rows", rows);
      ArrayNode arr = root.putArray("columns");
      for (ColumnSummary c : columns) {
        ObjectNode o = arr.addObject();
        o.put("column", c.column());
        o.put("type", c.type().name().toLowerCase(Locale.ROOT));
        o.put("rows", c.rows());
        o.put("count", c.count());
        o.put("missing_count", c.missingCount());
        Json.put(o, "missing_share", c.missingShare());
        o.put("infinite_count", c.infiniteCount());
        Json.put(o, "min", c.min());
        Json.put(o, "max", c.max());
        Json.put(o, "mean", c.mean());
        Json.put(o, "std", c.std());
        Json.put(o, "p25", c.p25());
        Json.put(o, "p50", c.p50());
        Json.put(o, "p75", c.p75());
        o.put("distinct_count", c.distinctCount());
        ArrayNode mc = o.putArray("most_common");
        for (ValueCount v : c.mostCommon()) {
          ObjectNode m = mc.addObject();
          m.put("value", v.value());
          m.put("count", v.count());
          Json.put(m, "share", v.share());
        }
      }
      return Json.write(root);
    }

    @Override
    public String toString() {
      return "DataSummary{rows=" + rows + ", columns=" + columns.size() + "}";
    }
  }
}
