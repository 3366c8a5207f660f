package dev.mlops.tracking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs side by side: for each param and metric key, one value per run (null where a run lacks it),
 * with the keys whose values differ marked. Immutable.
 *
 * @param runs the runs compared, in the order asked
 * @param params param key to one value per run, keys sorted
 * @param metrics metric key to the latest value per run, keys sorted
 * @param differing the param and metric keys whose values are not all equal
 */
public record RunComparison(
    List<Run> runs,
    Map<String, List<String>> params,
    Map<String, List<Double>> metrics,
    Set<String> differing) {

  public RunComparison {
    runs = List.copyOf(runs);
    params = Collections.unmodifiableMap(new TreeMap<>(params));
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    differing = Collections.unmodifiableSet(new TreeSet<>(differing));
  }

  /** Builds the comparison of {@code runs}. */
  public static RunComparison of(List<Run> runs) {
    Map<String, List<String>> params = new TreeMap<>();
    Map<String, List<Double>> metrics = new TreeMap<>();
    runs.forEach(r -> r.params().keySet().forEach(k -> params.put(k, null)));
    runs.forEach(r -> r.metrics().keySet().forEach(k -> metrics.put(k, null)));
    Set<String> differing = new TreeSet<>();
    for (String k : new ArrayList<>(params.keySet())) {
      List<String> values = new ArrayList<>();
      runs.forEach(r -> values.add(r.params().get(k)));
      params.put(k, Collections.unmodifiableList(values));
      if (values.stream().distinct().count() > 1) {
        differing.add("params." + k);
      }
    }
    for (String k : new ArrayList<>(metrics.keySet())) {
      List<Double> values = new ArrayList<>();
      runs.forEach(r -> values.add(r.metrics().get(k)));
      metrics.put(k, Collections.unmodifiableList(values));
      if (values.stream().distinct().count() > 1) {
        differing.add("metrics." + k);
      }
    }
    return new RunComparison(runs, params, metrics, differing);
  }

  /** Whether the key ({@code params.lr} or {@code metrics.loss}) differs between the runs. */
  public boolean differs(String key) {
    return differing.contains(key);
  }

  /**
   * A plain-text table: one row per key, one column per run, differing keys marked with {@code *}.
   */
  public String toTable() {
    List<String> header = new ArrayList<>();
    header.add("key");
    runs.forEach(r -> header.add(r.name()));
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    Map<String, List<String>> all = new LinkedHashMap<>();
    params.forEach((k, v) -> all.put("params." + k, v));
    metrics.forEach(
        (k, v) -> {
          List<String> s = new ArrayList<>();
          v.forEach(d -> s.add(d == null ? null : formatNumber(d)));
          all.put("metrics." + k, s);
        });
    all.forEach(
        (k, v) -> {
          List<String> row = new ArrayList<>();
          row.add((differing.contains(k) ? "* " : "  ") + k);
          v.forEach(x -> row.add(Objects.toString(x, "-")));
          rows.add(row);
        });
    int[] width = new int[header.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        sb.append(String.format("%-" + width[i] + "s", row.get(i)));
        sb.append(i + 1 < row.size() ? "  " : "\n");
      }
    }
    return sb.toString();
  }

  private static String formatNumber(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return String.valueOf((long) d);
    }
    return String.format("%.4g", d);
  }
}
