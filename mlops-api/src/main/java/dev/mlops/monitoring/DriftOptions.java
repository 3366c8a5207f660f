package dev.mlops.monitoring;

import dev.mlops.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Options of a drift computation. Immutable and thread-safe: each call returns a new instance, and
 * each value is validated when it is set.
 *
 * <pre>{@code
 * DriftOptions o = DriftOptions.defaults().method("age", "psi").threshold("age", 0.2)
 *     .driftShare(0.3).seed(7);
 * }</pre>
 *
 * <p>Methods are named as in Evidently: {@link #METHODS}. Without a method the column gets
 * Evidently's default (K-S, chi-square or Z for up to 1000 reference rows; normed Wasserstein or
 * Jensen-Shannon above), with the method's Evidently threshold.
 */
public final class DriftOptions {
  /** Every supported stat test, by its Evidently name. */
  public static final List<String> METHODS =
      List.of(
          "ks",
          "chisquare",
          "z",
          "wasserstein",
          "jensenshannon",
          "psi",
          "kl_div",
          "hellinger",
          "anderson",
          "cramer_von_mises",
          "energy_dist",
          "t_test",
          "fisher_exact",
          "TVD",
          "mannw",
          "empirical_mmd");

  private static final DriftOptions DEFAULTS =
      new DriftOptions(null, null, Map.of(), Map.of(), 0.5, 0L, 1000, ColumnMapping.infer());

  private final String allMethod;
  private final Double allThreshold;
  private final Map<String, String> methods;
  private final Map<String, Double> thresholds;
  private final double driftShare;
  private final long seed;
  private final int permutations;
  private final ColumnMapping mapping;

  private DriftOptions(
      String allMethod,
      Double allThreshold,
      Map<String, String> methods,
      Map<String, Double> thresholds,
      double driftShare,
      long seed,
      int permutations,
      ColumnMapping mapping) {
    this.allMethod = allMethod;
    this.allThreshold = allThreshold;
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    this.thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    this.driftShare = driftShare;
    this.seed = seed;
    this.permutations = permutations;
    this.mapping = mapping;
  }

  /** Evidently's defaults: per-column default tests, drift share 0.5, seed 0, 1000 permutations. */
  public static DriftOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The stat test for one column.
   *
   * @throws InvalidInputException when {@code method} is not one of {@link #METHODS}
   */
  public DriftOptions method(String column, String method) {
    Map<String, String> m = new LinkedHashMap<>(methods);
    m.put(columnName(column), checkMethod(method));
    return new DriftOptions(
        allMethod, allThreshold, m, thresholds, driftShare, seed, permutations, mapping);
  }

  /** The stat test for every column without its own. */
  public DriftOptions method(String method) {
    return new DriftOptions(
        checkMethod(method),
        allThreshold,
        methods,
        thresholds,
        driftShare,
        seed,
        permutations,
        mapping);
  }

  /**
   * The threshold for one column (a p-value level for tests, a distance for distances).
   *
   * @throws InvalidInputException unless finite and non-negative
   */
  public DriftOptions threshold(String column, double threshold) {
    Map<String, Double> t = new LinkedHashMap<>(thresholds);
    t.put(columnName(column), checkThreshold(threshold));
    return new DriftOptions(
        allMethod, allThreshold, methods, t, driftShare, seed, permutations, mapping);
  }

  /** The threshold for every column without its own. */
  public DriftOptions threshold(double threshold) {
    return new DriftOptions(
        allMethod,
        checkThreshold(threshold),
        methods,
        thresholds,
        driftShare,
        seed,
        permutations,
        mapping);
  }

  /**
   * Dataset drift holds when the share of drifted columns is at least this (default 0.5).
   *
   * @throws InvalidInputException unless in [0, 1]
   */
  public DriftOptions driftShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new InvalidInputException("driftShare", share, "a share in [0, 1]");
    }
    return new DriftOptions(
        allMethod, allThreshold, methods, thresholds, share, seed, permutations, mapping);
  }

  /** The seed of permutation p-values (TVD, empirical_mmd) and of subsampling (default 0). */
  public DriftOptions seed(long seed) {
    return new DriftOptions(
        allMethod, allThreshold, methods, thresholds, driftShare, seed, permutations, mapping);
  }

  /**
   * Shuffles for the TVD permutation p-value (default 1000, as Evidently; empirical_mmd uses 100).
   */
  public DriftOptions permutations(int n) {
    if (n < 1 || n > 1_000_000) {
      throw new InvalidInputException("permutations", n, "1..1000000");
    }
    return new DriftOptions(
        allMethod, allThreshold, methods, thresholds, driftShare, seed, n, mapping);
  }

  /** Column roles and type overrides; id and datetime columns are skipped. */
  public DriftOptions columnMapping(ColumnMapping mapping) {
    return new DriftOptions(
        allMethod,
        allThreshold,
        methods,
        thresholds,
        driftShare,
        seed,
        permutations,
        Objects.requireNonNull(mapping, "mapping"));
  }

  /** The method chosen for {@code column}, if any (else Evidently's default applies). */
  public Optional<String> methodFor(String column) {
    return Optional.ofNullable(methods.getOrDefault(column, allMethod));
  }

  /** The threshold chosen for {@code column}, if any (else the method's Evidently default). */
  public OptionalDouble thresholdFor(String column) {
    Double t = thresholds.getOrDefault(column, allThreshold);
    return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
  }

  /** The per-column methods. */
  public Map<String, String> methods() {
    return methods;
  }

  /** The per-column thresholds. */
  public Map<String, Double> thresholds() {
    return thresholds;
  }

  /** The dataset drift share. */
  public double driftShare() {
    return driftShare;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The number of TVD permutations. */
  public int permutations() {
    return permutations;
  }

  /** The column mapping. */
  public ColumnMapping columnMapping() {
    return mapping;
  }

  private static String checkMethod(String method) {
    if (!METHODS.contains(method)) {
      throw new InvalidInputException("method", method, "one of " + METHODS);
    }
    return method;
  }

  private static double checkThreshold(double t) {
    if (!(t >= 0) || Double.isInfinite(t)) {
      throw new InvalidInputException("threshold", t, "a finite number >= 0");
    }
    return t;
  }

  private static String columnName(String column) {
    if (column == null || column.isEmpty()) {
      throw new InvalidInputException("column", column, "a non-empty column name");
    }
    return column;
  }

  @Override
  public String toString() {
    return "DriftOptions{method="
        + allMethod
        + ", threshold="
        + allThreshold
        + ", methods="
        + methods
        + ", thresholds="
        + thresholds
        + ", driftShare="
        + driftShare
        + ", seed="
        + seed
        + "}";
  }
}
