package dev.mlops.monitoring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.monitoring.WindowResult;
import dev.mlops.spi.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The monitoring tables in mlops.db. All SQL of the module lives here. Thread-safe. */
final class MonitorStore {
  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE monitoring_windows (monitor VARCHAR(200) NOT NULL,"
              + " window_index INTEGER NOT NULL, start_ms INTEGER NOT NULL,"
              + " end_ms INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
              + " row_count INTEGER NOT NULL, dataset_drift INTEGER NOT NULL,"
              + " drift_share REAL NOT NULL, alerted INTEGER NOT NULL, report_json TEXT NOT NULL,"
              + " created_ms INTEGER NOT NULL, PRIMARY KEY (monitor, window_index));\n"
              + "CREATE TABLE monitoring_predictions (monitor VARCHAR(200) NOT NULL,"
              + " request_id VARCHAR(500) NOT NULL, window_index INTEGER NOT NULL,"
              + " prediction TEXT, PRIMARY KEY (monitor, request_id));\n"
              + "CREATE TABLE monitoring_labels (monitor VARCHAR(200) NOT NULL,"
              + " request_id VARCHAR(500) NOT NULL, label TEXT NOT NULL,"
              + " PRIMARY KEY (monitor, request_id));\n");

  private final Database db;

  MonitorStore(Database db) {
    this.db = db;
    db.migrate("monitoring", MIGRATIONS);
  }

  /** A closed window to store. */
  record Stored(
      String monitor,
      long index,
      long startMs,
      long endMs,
      long firstSeq,
      long lastSeq,
      int rows,
      boolean datasetDrift,
      double driftShare,
      boolean alerted,
      String reportJson,
      Map<String, String> predictions) {}

  void insert(Stored s) {
    db.useWrite(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO monitoring_windows (monitor, window_index, start_ms, end_ms,"
                      + " first_seq, last_seq, row_count, dataset_drift, drift_share, alerted,"
                      + " report_json, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, s.monitor());
            ps.setLong(2, s.index());
            ps.setLong(3, s.startMs());
            ps.setLong(4, s.endMs());
            ps.setLong(5, s.firstSeq());
            ps.setLong(6, s.lastSeq());
            ps.setInt(7, s.rows());
            ps.setInt(8, s.datasetDrift() ? 1 : 0);
            ps.setDouble(9, s.driftShare());
            ps.setInt(10, s.alerted() ? 1 : 0);
            ps.setString(11, s.reportJson());
            ps.setLong(12, System.currentTimeMillis());
            ps.executeUpdate();
          }
          if (!s.predictions().isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT OR REPLACE INTO monitoring_predictions (monitor, request_id,"
                        + " window_index, prediction) VALUES (?,?,?,?)")) {
              for (Map.Entry<String, String> e : s.predictions().entrySet()) {
                ps.setString(1, s.monitor());
                ps.setString(2, e.getKey());
                ps.setLong(3, s.index());
                ps.setString(4, e.getValue());
                ps.addBatch();
              }
              ps.executeBatch();
            }
          }
        });
  }

  void label(String monitor, String requestId, String label) {
    db.useWrite(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO monitoring_labels (monitor, request_id, label)"
                      + " VALUES (?,?,?)")) {
            ps.setString(1, monitor);
            ps.setString(2, requestId);
            ps.setString(3, label);
            ps.executeUpdate();
          }
        });
  }

  /** The last stored window (index, last sequence, dataset drift), if any. */
  long[] last(String monitor) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT window_index, last_seq, dataset_drift FROM monitoring_windows"
                      + " WHERE monitor = ? ORDER BY window_index DESC LIMIT 1")) {
            ps.setString(1, monitor);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : null;
            }
          }
        });
  }

  List<WindowResult> history(String monitor) {
    return db.read(
        c -> {
          List<WindowResult> out = new ArrayList<>();
          Map<Long, List<String[]>> pairs = labeledPairs(c, monitor);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT window_index, start_ms, end_ms, first_seq, last_seq, row_count,"
                      + " dataset_drift, drift_share, alerted, report_json FROM monitoring_windows"
                      + " WHERE monitor = ? ORDER BY window_index")) {
            ps.setString(1, monitor);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long index = rs.getLong(1);
                String json = rs.getString(10);
                JsonNode report = Json.read(json);
                Map<String, Double> scores = new LinkedHashMap<>();
                List<String> drifted = new ArrayList<>();
                for (JsonNode col : report.get("columns")) {
                  scores.put(col.get("column").asText(), Json.number(col.get("drift_score")));
                  if (col.get("drift_detected").asBoolean()) {
                    drifted.add(col.get("column").asText());
                  }
                }
                out.add(
                    new WindowResult(
                        monitor,
                        index,
                        Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getInt(6),
                        rs.getInt(7) == 1,
                        rs.getDouble(8),
                        scores,
                        drifted,
                        rs.getInt(9) == 1,
                        ModelQuality.compute(pairs.getOrDefault(index, List.of())),
                        json));
              }
            }
          }
          return out;
        });
  }

  private static Map<Long, List<String[]>> labeledPairs(java.sql.Connection c, String monitor)
      throws SQLException {
    Map<Long, List<String[]>> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT p.window_index, p.prediction, l.label FROM monitoring_predictions p"
                + " JOIN monitoring_labels l ON l.monitor = p.monitor AND l.request_id ="
                + " p.request_id WHERE p.monitor = ? ORDER BY p.window_index, p.request_id")) {
      ps.setString(1, monitor);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
              .add(new String[] {rs.getString(2), rs.getString(3)});
        }
      }
    }
    return out;
  }
}
