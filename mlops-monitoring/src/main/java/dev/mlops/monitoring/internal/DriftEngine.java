package dev.mlops.monitoring.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.monitoring.ColumnMapping;
import dev.mlops.monitoring.ColumnType;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.Binning;
import dev.mlops.monitoring.stats.DistributionStats;
import dev.mlops.monitoring.stats.DoubleSort;
import dev.mlops.monitoring.stats.NumericStats;
import dev.mlops.monitoring.stats.Permutation;
import dev.mlops.monitoring.stats.Sorted;
import dev.mlops.monitoring.stats.StatResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Computes drift: the reference is prepared once into per-column profiles (sorted finite values or
 * category counts), then compared with any number of current tables. Columns run in parallel, one
 * worker per core (the caller and the common fork-join pool). Thread-safe.
 */
public final class DriftEngine {
  private static final int HISTOGRAM_BINS = 20;
  private static final int CHART_CATEGORIES = 20;

  private DriftEngine() {}

  /** A reference column, ready for comparisons. */
  static final class Profile {
    final String name;
    final ColumnType type; // NUMERIC or CATEGORICAL (the drift kind)
    final double[] sorted; // numeric: finite values, ascending
    final Map<String, Long> counts; // categorical: non-missing value counts
    final long n;
    final long dropped;

    Profile(String name, ColumnType type, double[] sorted, Map<String, Long> counts, long dropped) {
      this.name = name;
      this.type = type;
      this.sorted = sorted;
      this.counts = counts;
      this.n = sorted != null ? sorted.length : counts.values().stream().mapToLong(v -> v).sum();
      this.dropped = dropped;
    }
  }

  /** A prepared reference (computed once, reused by monitors). Immutable. */
  public static final class Prepared {
    final List<Profile> profiles;
    final DriftOptions options;
    final int rows;

    Prepared(List<Profile> profiles, DriftOptions options, int rows) {
      this.profiles = profiles;
      this.options = options;
      this.rows = rows;
    }

    /** The tested column names. */
    public List<String> columns() {
      return profiles.stream().map(p -> p.name).collect(Collectors.toList());
    }
  }

  /**
   * Drift of {@code current} against {@code reference}. Each column's reference and current values
   * are sorted once and dropped when the column is done, so the heap holds only the columns in
   * flight (unlike {@link #prepare}, which keeps every reference column).
   */
  public static DriftReportImpl drift(Table reference, Table current, DriftOptions options) {
    requireNonEmpty("reference", reference);
    ColumnMapping mapping = options.columnMapping();
    Table ref = reference.withMapping(mapping);
    List<String> names = testedColumns(ref, mapping);
    requireNonEmpty("current", current);
    Table cur = current.withMapping(mapping);
    List<ColumnDriftImpl> cols =
        perColumn(
            names.size(),
            (i, scratch) -> {
              String c = names.get(i);
              Profile p = profile(ref, c, kindOf(ref, c, mapping), scratch, scratch.reference);
              return column(p, cur, options, scratch);
            });
    return new DriftReportImpl(
        cols, options.driftShare(), reference.rowCount(), current.rowCount());
  }

  /**
   * Prepares a reference table.
   *
   * @throws InvalidInputException when it has no rows or no columns
   */
  public static Prepared prepare(Table reference, DriftOptions options) {
    requireNonEmpty("reference", reference);
    ColumnMapping mapping = options.columnMapping();
    Table ref = reference.withMapping(mapping);
    List<String> names = testedColumns(ref, mapping);
    List<Profile> profiles =
        perColumn(
            names.size(),
            (i, scratch) -> {
              String c = names.get(i);
              return profile(ref, c, kindOf(ref, c, mapping), scratch, null);
            });
    return new Prepared(profiles, options, reference.rowCount());
  }

  private static List<String> testedColumns(Table ref, ColumnMapping mapping) {
    List<String> names = new ArrayList<>();
    for (String c : ref.columnNames()) {
      if (!mapping.isExcluded(c) && ref.type(c) != ColumnType.DATETIME) {
        names.add(c);
      }
    }
    return names;
  }

  /**
   * Work space of one worker thread, reused from column to column: without it every column would
   * allocate (and soon drop) arrays the size of the table, which on large tables costs more GC than
   * the statistics.
   */
  static final class Scratch {
    final Buffer reference = new Buffer();
    final Buffer current = new Buffer();
    private double[] sort = new double[0];

    double[] sortBuffer(int n) {
      if (sort.length < n) {
        sort = new double[n];
      }
      return sort;
    }
  }

  /** A reusable array of an exact length (statistics take an array's length as its size). */
  static final class Buffer {
    private double[] values = new double[0];

    double[] exactly(int n) {
      if (values.length != n) {
        values = new double[n];
      }
      return values;
    }
  }

  /**
   * Computes {@code f(i)} for i in [0, n) on at most one worker per core (the caller and the common
   * pool), each with its own {@link Scratch}: memory is bounded by the workers, not the columns.
   */
  static <T> List<T> perColumn(int n, BiFunction<Integer, Scratch, T> f) {
    Object[] out = new Object[n];
    AtomicInteger next = new AtomicInteger();
    int workers = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
    IntStream.range(0, workers)
        .parallel()
        .forEach(
            w -> {
              Scratch scratch = new Scratch();
              for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                out[i] = f.apply(i, scratch);
              }
            });
    List<T> list = new ArrayList<>(n);
    for (Object o : out) {
      @SuppressWarnings("unchecked")
      T t = (T) o;
      list.add(t);
    }
    return list;
  }

  private static ColumnType kindOf(Table ref, String c, ColumnMapping mapping) {
    ColumnType t = ref.type(c);
    if (t == ColumnType.NUMERIC
        && !mapping.numeric().contains(c)
        && mapping.isTargetOrPrediction(c)) {
      // Evidently: a numeric target/prediction with at most 5 values is a class label
      if (distinctFiniteUpTo(ref.numeric(c), 6) <= 5) {
        return ColumnType.CATEGORICAL;
      }
    }
    return t == ColumnType.NUMERIC ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
  }

  /** Number of distinct finite values, counted up to {@code limit}. */
  private static int distinctFiniteUpTo(double[] values, int limit) {
    double[] seen = new double[limit];
    int d = 0;
    for (double v : values) {
      if (!Double.isFinite(v)) {
        continue;
      }
      boolean known = false;
      for (int k = 0; k < d && !known; k++) {
        known = seen[k] == v;
      }
      if (!known) {
        seen[d++] = v;
        if (d == limit) {
          break;
        }
      }
    }
    return d;
  }

  /**
   * A column's profile. Numeric values are copied into {@code buffer} when given (the profile is
   * then only valid until the buffer's next use) or into a new array.
   */
  private static Profile profile(
      Table t, String c, ColumnType kind, Scratch scratch, Buffer buffer) {
    if (kind == ColumnType.NUMERIC) {
      int rows = t.rowCount();
      double[] raw = buffer != null ? buffer.exactly(rows) : new double[rows];
      t.copyNumeric(c, raw);
      int n = 0;
      long infinite = 0;
      for (int i = 0; i < rows; i++) {
        double v = raw[i];
        if (Double.isFinite(v)) {
          raw[n++] = v;
        } else if (!Double.isNaN(v)) {
          infinite++;
        }
      }
      double[] finite = n == rows ? raw : Arrays.copyOf(raw, n);
      DoubleSort.sort(finite, 0, n, scratch.sortBuffer(n));
      return new Profile(c, kind, finite, null, infinite);
    }
    Map<String, Long> counts = new HashMap<>();
    for (String v : t.strings(c)) {
      if (v != null) {
        counts.merge(v, 1L, Long::sum);
      }
    }
    return new Profile(c, kind, null, counts, 0);
  }

  /**
   * Compares a current table with a prepared reference.
   *
   * @throws InvalidInputException when current has no rows or no columns
   */
  public static DriftReportImpl compare(Prepared prepared, Table current) {
    requireNonEmpty("current", current);
    Table cur = current.withMapping(prepared.options.columnMapping());
    List<ColumnDriftImpl> cols =
        perColumn(
            prepared.profiles.size(),
            (i, scratch) -> column(prepared.profiles.get(i), cur, prepared.options, scratch));
    return new DriftReportImpl(
        cols, prepared.options.driftShare(), prepared.rows, current.rowCount());
  }

  private static void requireNonEmpty(String field, Table t) {
    if (t.rowCount() == 0) {
      throw new InvalidInputException(field, "0 rows", "a table with at least one row");
    }
    if (t.columnNames().isEmpty()) {
      throw new InvalidInputException(field, "no columns", "a table with at least one column");
    }
  }

  private static ColumnDriftImpl column(Profile p, Table cur, DriftOptions o, Scratch scratch) {
    String requested = o.methodFor(p.name).orElse(null);
    double thr = o.thresholdFor(p.name).orElse(Double.NaN);
    String shownMethod = requested == null ? "" : requested;
    if (!cur.hasColumn(p.name)) {
      return ColumnDriftImpl.notComputed(
          p.name, p.type, shownMethod, thr, "column missing from current");
    }
    ColumnType curType = cur.type(p.name);
    boolean curNumeric = curType == ColumnType.NUMERIC;
    if (curType == ColumnType.DATETIME || (p.type == ColumnType.NUMERIC && !curNumeric)) {
      return ColumnDriftImpl.notComputed(
          p.name,
          p.type,
          shownMethod,
          thr,
          "type mismatch: reference "
              + p.type.name().toLowerCase(java.util.Locale.ROOT)
              + ", current "
              + curType.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (p.n == 0) {
      return ColumnDriftImpl.notComputed(
          p.name, p.type, shownMethod, thr, "no non-missing finite values in reference");
    }
    Profile c = profile(cur, p.name, p.type, scratch, scratch.current);
    if (c.n == 0) {
      return ColumnDriftImpl.notComputed(
          p.name, p.type, shownMethod, thr, "no non-missing finite values in current");
    }
    boolean numeric = p.type == ColumnType.NUMERIC;
    Binned valueBins = numeric ? null : Binning.categorical(p.counts, c.counts);
    // the default method only asks whether there are more than 2, or more than 5, values
    long distinct =
        numeric ? Sorted.unionDistinctCountUpTo(p.sorted, c.sorted, 6) : (long) valueBins.size();
    Method m = requested != null ? Method.of(requested) : Method.defaultFor(numeric, p.n, distinct);
    double threshold = Double.isNaN(thr) ? m.threshold : thr;
    StatResult r;
    try {
      r = numeric ? numericStat(m, p.sorted, c.sorted, o) : categoricalStat(m, valueBins, o);
    } catch (IllegalArgumentException e) {
      return ColumnDriftImpl.notComputed(p.name, p.type, m.id, threshold, e.getMessage());
    }
    double score = m.pValue ? r.pValue() : r.statistic();
    Histogram h = numeric ? numericHistogram(p.sorted, c.sorted) : categoricalHistogram(valueBins);
    return new ColumnDriftImpl(
        p.name,
        p.type,
        m.id,
        r.statistic(),
        m.pValue ? r.pValue() : Double.NaN,
        threshold,
        m.drifted(score, threshold),
        true,
        null,
        p.n,
        c.n,
        p.dropped,
        c.dropped,
        h);
  }

  static StatResult numericStat(Method m, double[] r, double[] c, DriftOptions o) {
    switch (m) {
      case KS:
        return NumericStats.ks(r, c);
      case WASSERSTEIN:
        return StatResult.distance(NumericStats.wassersteinNormed(r, c));
      case ENERGY_DIST:
        return StatResult.distance(NumericStats.energyDistance(r, c));
      case ANDERSON:
        return NumericStats.anderson(r, c);
      case CRAMER_VON_MISES:
        return NumericStats.cramerVonMises(r, c);
      case T_TEST:
        return NumericStats.tTest(r, c);
      case MANNW:
        return NumericStats.mannWhitney(r, c);
      case EMPIRICAL_MMD:
        return NumericStats.empiricalMmd(r, c, o.seed());
      case HELLINGER:
        return StatResult.distance(NumericStats.hellinger(r, c));
      case Z:
      case FISHER_EXACT:
        return categoricalStat(m, Binning.valueBins(r, c), o);
      default:
        return categoricalStat(m, Binning.numeric(r, c), o);
    }
  }

  static StatResult categoricalStat(Method m, Binned b, DriftOptions o) {
    switch (m) {
      case CHISQUARE:
        return DistributionStats.chiSquare(b);
      case Z:
        if (b.size() > 2) {
          throw new IllegalArgumentException(
              "z needs a column with at most 2 distinct values, found " + b.size());
        }
        return DistributionStats.zTest(b);
      case JENSENSHANNON:
        return StatResult.distance(DistributionStats.jensenShannon(b));
      case PSI:
        return StatResult.distance(DistributionStats.psi(b));
      case KL_DIV:
        return StatResult.distance(DistributionStats.klDiv(b));
      case HELLINGER:
        return StatResult.distance(DistributionStats.hellingerCategorical(b));
      case TVD:
        return new StatResult(
            DistributionStats.tvd(b), Permutation.tvdPValue(b, o.permutations(), o.seed()));
      case FISHER_EXACT:
        if (b.size() > 2) {
          throw new IllegalArgumentException(
              "fisher_exact needs a column with at most 2 distinct values, found " + b.size());
        }
        if (b.nRef() != b.nCur()) {
          throw new IllegalArgumentException(
              "fisher_exact needs samples of equal size (as Evidently), got "
                  + b.nRef()
                  + " and "
                  + b.nCur());
        }
        long onesCur = b.size() == 2 ? b.curCounts()[1] : 0;
        long onesRef = b.size() == 2 ? b.refCounts()[1] : 0;
        return DistributionStats.fisherExact(
            onesCur, b.nCur() - onesCur, onesRef, b.nRef() - onesRef);
      default:
        throw new IllegalArgumentException(m.id + " applies to numeric columns only");
    }
  }

  private static Histogram numericHistogram(double[] r, double[] c) {
    double lo = Math.min(r[0], c[0]);
    double hi = Math.max(r[r.length - 1], c[c.length - 1]);
    int k = lo == hi ? 1 : HISTOGRAM_BINS;
    double[] edges = new double[k + 1];
    double step = lo == hi ? 1 : (hi - lo) / k;
    double first = lo == hi ? lo - 0.5 : lo;
    for (int i = 0; i < k; i++) {
      edges[i] = i * step + first;
    }
    edges[k] = lo == hi ? hi + 0.5 : hi;
    double[] rs = shares(Binning.histogram(r, edges), r.length);
    double[] cs = shares(Binning.histogram(c, edges), c.length);
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      labels.add(String.format(java.util.Locale.ROOT, "%.4g", edges[i]));
    }
    return new Histogram("numeric", labels, edges, rs, cs);
  }

  private static Histogram categoricalHistogram(Binned b) {
    Integer[] order = new Integer[b.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        Comparator.comparingDouble(
                (Integer i) ->
                    -(b.refCounts()[i] / (double) b.nRef() + b.curCounts()[i] / (double) b.nCur()))
            .thenComparing(i -> String.valueOf(b.keys()[i])));
    int shown = Math.min(CHART_CATEGORIES, order.length);
    boolean other = order.length > shown;
    List<String> labels = new ArrayList<>();
    double[] rs = new double[shown + (other ? 1 : 0)];
    double[] cs = new double[rs.length];
    for (int i = 0; i < order.length; i++) {
      int slot = Math.min(i, shown);
      if (i < shown) {
        labels.add(String.valueOf(b.keys()[order[i]]));
      }
      rs[slot] += b.refCounts()[order[i]] / (double) b.nRef();
      cs[slot] += b.curCounts()[order[i]] / (double) b.nCur();
    }
    if (other) {
      labels.add("(other)");
    }
    return new Histogram("categorical", labels, new double[0], rs, cs);
  }

  private static double[] shares(long[] counts, long n) {
    double[] s = new double[counts.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = counts[i] / (double) n;
    }
    return s;
  }
}
