package dev.mlops.monitoring.internal;

import java.util.List;

/**
 * A display histogram of one column: bin labels and the share of each sample per bin.
 *
 * @param kind "numeric" (equal-width bins, {@code edges} set) or "categorical"
 * @param labels bin labels
 * @param edges bin edges for numeric (labels.size() + 1), empty otherwise
 * @param reference reference shares
 * @param current current shares
 */
record Histogram(
    String kind, List<String> labels, double[] edges, double[] reference, double[] current) {
  static final Histogram NONE =
      new Histogram("none", List.of(), new double[0], new double[0], new double[0]);
}
