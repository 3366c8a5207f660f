package dev.mlops.monitoring;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored result of one closed monitor window. Immutable and thread-safe.
 *
 * @param monitor the monitor name
 * @param index 0-based window number
 * @param start first record's timestamp (time windows: the window start)
 * @param end last record's timestamp (time windows: the window end, exclusive)
 * @param firstSequence first prediction-log sequence in the window (-1 when fed by observe)
 * @param lastSequence last prediction-log sequence in the window (-1 when fed by observe)
 * @param rows records in the window
 * @param datasetDrift the dataset verdict
 * @param driftShare share of drifted columns
 * @param scores drift score per column (p-value for tests, distance otherwise)
 * @param driftedColumns columns that drifted
 * @param alerted whether this window raised an alert
 * @param modelQuality model metrics over the window's rows that have labels (accuracy, precision,
 *     recall, f1, roc_auc; or mae, rmse, r2; plus labeled_rows); empty when none
 * @param reportJson the full drift report JSON of the window
 */
public record WindowResult(
    String monitor,
    long index,
    Instant start,
    Instant end,
    long firstSequence,
    long lastSequence,
    int rows,
    boolean datasetDrift,
    double driftShare,
    Map<String, Double> scores,
    List<String> driftedColumns,
    boolean alerted,
    Map<String, Double> modelQuality,
    String reportJson) {
  public WindowResult {
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    driftedColumns = List.copyOf(driftedColumns);
    modelQuality = Collections.unmodifiableMap(new LinkedHashMap<>(modelQuality));
  }
}
