package dev.mlops.monitoring.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.NotFoundException;
import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftReport;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The drift report. Immutable and thread-safe. */
public final class DriftReportImpl implements DriftReport {
  /** The JSON schema id written in every report. */
  public static final String SCHEMA = "mlops.monitoring.drift/v1";

  private final List<ColumnDriftImpl> columns;
  private final double shareThreshold;
  private final long computed;
  private final long drifted;
  private final int referenceRows;
  private final int currentRows;

  DriftReportImpl(
      List<ColumnDriftImpl> columns, double shareThreshold, int referenceRows, int currentRows) {
    this.columns = List.copyOf(columns);
    this.shareThreshold = shareThreshold;
    this.computed = columns.stream().filter(ColumnDriftImpl::computed).count();
    this.drifted = columns.stream().filter(ColumnDriftImpl::drifted).count();
    this.referenceRows = referenceRows;
    this.currentRows = currentRows;
  }

  @Override
  public boolean datasetDrift() {
    return computed > 0 && driftShare() >= shareThreshold;
  }

  @Override
  public double driftShare() {
    return computed == 0 ? 0 : drifted / (double) computed;
  }

  @Override
  public ColumnDrift column(String name) {
    for (ColumnDriftImpl c : columns) {
      if (c.column().equals(name)) {
        return c;
      }
    }
    throw new NotFoundException(
        "column '" + name + "' is not in the drift report; columns: " + names());
  }

  private List<String> names() {
    return columns.stream().map(ColumnDriftImpl::column).collect(Collectors.toList());
  }

  @Override
  public List<ColumnDrift> columns() {
    return List.copyOf(columns);
  }

  List<ColumnDriftImpl> impls() {
    return columns;
  }

  /** Columns ordered by severity (most drifted first), not-computed last. */
  List<ColumnDriftImpl> bySeverity() {
    return columns.stream()
        .sorted(
            Comparator.comparingDouble(ColumnDriftImpl::severity)
                .reversed()
                .thenComparing(ColumnDriftImpl::column))
        .collect(Collectors.toList());
  }

  double shareThreshold() {
    return shareThreshold;
  }

  long computedColumns() {
    return computed;
  }

  int referenceRows() {
    return referenceRows;
  }

  int currentRows() {
    return currentRows;
  }

  ObjectNode toJsonNode() {
    ObjectNode root = Json.object();
    root.put("schema", SCHEMA);
    root.put("dataset_drift", datasetDrift());
    Json.put(root, "drift_share", driftShare());
    Json.put(root, "drift_share_threshold", shareThreshold);
    root.put("number_of_columns", columns.size());
    root.put("number_of_computed_columns", computed);
    root.put("number_of_drifted_columns", drifted);
    root.put("reference_rows", referenceRows);
    root.put("current_rows", currentRows);
    ArrayNode arr = root.putArray("columns");
    for (ColumnDriftImpl c : columns) {
      ObjectNode o = arr.addObject();
      o.put("column", c.column());
      o.put("type", c.type().name().toLowerCase(Locale.ROOT));
      o.put("method", c.method());
      o.put("computed", c.computed());
      if (c.reasonText() == null) {
        o.putNull("reason");
      } else {
        o.put("reason", c.reasonText());
      }
      Json.put(o, "statistic", c.statistic());
      Json.put(o, "p_value", c.pValue());
      Json.put(o, "drift_score", c.driftScore());
      Json.put(o, "threshold", c.threshold());
      o.put("drift_detected", c.drifted());
      o.put("reference_size", c.referenceSize());
      o.put("current_size", c.currentSize());
      o.put("reference_dropped_non_finite", c.referenceDropped());
      o.put("current_dropped_non_finite", c.currentDropped());
      Histogram h = c.histogram();
      ObjectNode hn = o.putObject("histogram");
      hn.put("kind", h.kind());
      ArrayNode labels = hn.putArray("labels");
      h.labels().forEach(labels::add);
      hn.set("edges", Json.array(h.edges()));
      hn.set("reference", Json.array(h.reference()));
      hn.set("current", Json.array(h.current()));
    }
    return root;
  }

  @Override
  public String toJson() {
    return Json.write(toJsonNode());
  }

  @Override
  public void writeHtml(Path file) {
    Files2.writeAtomic(file, Html.drift(this));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "DriftReport{datasetDrift=%s, driftShare=%.3f, columns=%d}",
        datasetDrift(),
        driftShare(),
        columns.size());
  }
}
