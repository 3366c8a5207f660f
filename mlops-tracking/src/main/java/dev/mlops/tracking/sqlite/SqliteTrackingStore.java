package dev.mlops.tracking.sqlite;

import dev.mlops.AlreadyExistsException;
import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.spi.Database;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.RunMetric;
import dev.mlops.spi.TrackingStore;
import dev.mlops.tracking.Experiment;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Page;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.RunStatus;
import dev.mlops.tracking.RunView;
import dev.mlops.tracking.filter.Filter;
import dev.mlops.tracking.filter.FilterParser;
import dev.mlops.tracking.filter.OrderKey;
import dev.mlops.versioning.DataVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite tracking store: one database file in WAL mode, shared with other modules. Thread-safe
 * and safe for several processes (writes go through {@link Database#write}, which retries on
 * SQLITE_BUSY). All SQL is parameterized.
 */
public final class SqliteTrackingStore implements TrackingStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteTrackingStore.class);
  private static final String ACTIVE = "active";
  private static final String DELETED = "deleted";
  private static final int KIND_VALUE = 0;
  private static final int KIND_NAN = 1;
  private static final int KIND_NEGATIVE_ZERO = 2;
  private static final int IN_CHUNK = 500;
  // a search walks at most max(MIN_WALK, WALK_FACTOR * (offset + limit)) entries of its order index
  private static final int MIN_WALK = 3000;
  private static final int WALK_FACTOR = 30;
  private static final int MAX_WALK = 250_000;
  // a search probes runs at random across the search tables: with SQLite's default 2 MB page
  // cache most probes would re-read their page from the OS. Bounded, per pooled read connection.
  private static final String SEARCH_CACHE = "PRAGMA cache_size = -32768";
  // a flush writes the points of one (run, key) as blocks of at most this many (96 KB)
  private static final int POINTS_PER_BLOCK = 4096;
  private static final Pattern TOKEN =
      Pattern.compile("\\{\"offset\":(\\d+),\"q\":\"([0-9a-f]+)\"}");

  private final Database db;
  private final boolean ownsDatabase;
  private final String artifactBase;

  /**
   * Opens the store on {@code db}, migrating its tables.
   *
   * @param db the database
   * @param ownsDatabase whether {@link #close()} closes {@code db}
   * @param artifactRoot the artifact store's root; experiment {@code n} keeps its artifacts at
   *     {@code <artifactRoot>/n}
   */
  public SqliteTrackingStore(Database db, boolean ownsDatabase, URI artifactRoot) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    String base = artifactRoot.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.artifactBase = base;
    db.migrate(Schema.COMPONENT, Schema.MIGRATIONS);
  }

  /** The schema migrations this store applies (for tests and tools). */
  public static List<String> migrations() {
    return Schema.MIGRATIONS;
  }

  /** The name under which the schema version is kept in {@code mlops_schema}. */
  public static String schemaComponent() {
    return Schema.COMPONENT;
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public Experiment createExperiment(String name) {
    long id =
        db.write(
            c -> {
              if (activeExperimentId(c, name).isPresent()) {
                throw new AlreadyExistsException(
                    "an experiment named '"
                        + name
                        + "' exists already: use it, or rename or delete it first");
              }
              return insertExperiment(c, name);
            });
    return experiment(String.valueOf(id)).orElseThrow();
  }

  @Override
  public Experiment getOrCreateExperiment(String name) {
    Optional<Experiment> existing = experimentByName(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    long id =
        db.write(
            c -> {
              Optional<Long> found = activeExperimentId(c, name);
              return found.isPresent() ? found.get() : insertExperiment(c, name);
            });
    return experiment(String.valueOf(id)).orElseThrow();
  }

  private long insertExperiment(Connection c, String name) throws SQLException {
    long now = System.currentTimeMillis();
    long id;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time,"
                + " last_update_time) VALUES (?, '', 'active', ?, ?)")) {
      ps.setString(1, name);
      ps.setLong(2, now);
      ps.setLong(3, now);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT last_insert_rowid()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?")) {
      ps.setString(1, artifactBase + "/" + id);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
    return id;
  }

  private static Optional<Long> activeExperimentId(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT experiment_id FROM experiments WHERE name = ? AND lifecycle_stage = 'active'")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  @Override
  public Optional<Experiment> experiment(String experimentId) {
    Optional<Long> id = parseExperimentId(experimentId);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    List<Experiment> found =
        db.read(c -> queryExperiments(c, "WHERE e.experiment_id = ?", List.of(id.get())));
    return found.stream().findFirst();
  }

  @Override
  public Optional<Experiment> experimentByName(String name) {
    return db
        .read(
            c ->
                queryExperiments(
                    c, "WHERE e.name = ? AND e.lifecycle_stage = 'active'", List.of(name)))
        .stream()
        .findFirst();
  }

  @Override
  public List<Experiment> experiments(RunView view) {
    switch (view) {
      case ACTIVE_ONLY:
        return db.read(c -> queryExperiments(c, "WHERE e.lifecycle_stage = 'active'", List.of()));
      case DELETED_ONLY:
        return db.read(c -> queryExperiments(c, "WHERE e.lifecycle_stage = 'deleted'", List.of()));
      default:
        return db.read(c -> queryExperiments(c, "", List.of()));
    }
  }

  private List<Experiment> queryExperiments(Connection c, String where, List<Object> args)
      throws SQLException {
    Map<Long, Map<String, String>> tags = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT t.experiment_id, t.key, t.value FROM experiment_tags t JOIN experiments e"
                + " ON e.experiment_id = t.experiment_id "
                + where)) {
      bind(ps, args, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tags.computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
              .put(rs.getString(2), rs.getString(3));
        }
      }
    }
    List<Experiment> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage,"
                + " e.creation_time FROM experiments e "
                + where
                + " ORDER BY e.experiment_id")) {
      bind(ps, args, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          out.add(
              new Experiment(
                  String.valueOf(id),
                  rs.getString(2),
                  URI.create(rs.getString(3)),
                  DELETED.equals(rs.getString(4)),
                  Instant.ofEpochMilli(rs.getLong(5)),
                  tags.getOrDefault(id, Map.of())));
        }
      }
    }
    return out;
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    long id = requireExperimentId(experimentId);
    db.useWrite(
        c -> {
          Experiment e = requireExperiment(c, id);
          if (e.deleted()) {
            throw new ConflictException(
                "experiment " + experimentId + " is deleted: restore it before renaming it");
          }
          if (e.name().equals(newName)) {
            return;
          }
          if (activeExperimentId(c, newName).isPresent()) {
            throw new AlreadyExistsException(
                "an experiment named '" + newName + "' exists already: choose another name");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?")) {
            ps.setString(1, newName);
            ps.setLong(2, System.currentTimeMillis());
            ps.setLong(3, id);
            ps.executeUpdate();
          }
        });
  }

  @Override
  public void deleteExperiment(String experimentId) {
    long id = requireExperimentId(experimentId);
    db.useWrite(
        c -> {
          Experiment e = requireExperiment(c, id);
          if (e.deleted()) {
            return;
          }
          long now = System.currentTimeMillis();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE experiments SET lifecycle_stage = 'deleted', deleted_time = ?,"
                      + " last_update_time = ? WHERE experiment_id = ?")) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.setLong(3, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ?"
                      + " WHERE experiment_id = ? AND lifecycle_stage = 'active'")) {
            ps.setLong(1, now);
            ps.setLong(2, id);
            ps.executeUpdate();
          }
        });
  }

  @Override
  public void restoreExperiment(String experimentId) {
    long id = requireExperimentId(experimentId);
    db.useWrite(
        c -> {
          Experiment e = requireExperiment(c, id);
          if (!e.deleted()) {
            return;
          }
          if (activeExperimentId(c, e.name()).isPresent()) {
            throw new ConflictException(
                "cannot restore experiment "
                    + experimentId
                    + ": its name '"
                    + e.name()
                    + "' is now used by another experiment; rename that one first");
          }
          long now = System.currentTimeMillis();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE experiments SET lifecycle_stage = 'active', deleted_time = NULL,"
                      + " last_update_time = ? WHERE experiment_id = ?")) {
            ps.setLong(1, now);
            ps.setLong(2, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL"
                      + " WHERE experiment_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
          }
        });
  }

  private Experiment requireExperiment(Connection c, long id) throws SQLException {
    return queryExperiments(c, "WHERE e.experiment_id = ?", List.of(id)).stream()
        .findFirst()
        .orElseThrow(() -> new NotFoundException("no experiment with id " + id));
  }

  private static Optional<Long> parseExperimentId(String id) {
    if (id == null || !id.matches("\\d{1,18}")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(id));
  }

  private static long requireExperimentId(String id) {
    return parseExperimentId(id)
        .orElseThrow(() -> new NotFoundException("no experiment with id '" + id + "'"));
  }

  // ---------------------------------------------------------------- runs

  @Override
  public Run createRun(NewRun spec) {
    long expId = requireExperimentId(spec.experimentId());
    String runId = UUID.randomUUID().toString().replace("-", "");
    db.useWrite(
        c -> {
          Experiment e = requireExperiment(c, expId);
          if (e.deleted()) {
            throw new InvalidInputException(
                "experiment", spec.experimentId(), "an active experiment (it is deleted)");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO runs (run_id, experiment_id, name, status, start_time, parent_run_id,"
                      + " user_id, artifact_uri, lifecycle_stage) VALUES (?, ?, ?, 'RUNNING', ?, ?,"
                      + " ?, ?, 'active')")) {
            ps.setString(1, runId);
            ps.setLong(2, expId);
            ps.setString(3, spec.name());
            ps.setLong(4, spec.startTime());
            ps.setString(5, spec.parentId());
            ps.setString(6, spec.tags().get("mlflow.user"));
            ps.setString(7, e.artifactLocation() + "/" + runId);
            ps.executeUpdate();
          }
          Map<String, String> tags = new LinkedHashMap<>(spec.tags());
          tags.put("mlflow.runName", spec.name());
          if (spec.parentId() != null) {
            tags.put("mlflow.parentRunId", spec.parentId());
          }
          upsertTags(c, runId, tags);
        });
    return run(runId).orElseThrow();
  }

  @Override
  public Optional<Run> run(String runId) {
    if (runId == null) {
      return Optional.empty();
    }
    return db.read(c -> loadRuns(c, List.of(runId))).stream().findFirst();
  }

  @Override
  public void updateRunStatus(String runId, RunStatus status, Long endTime) {
    db.useWrite(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE runs SET status = ?, end_time = ? WHERE run_id = ?")) {
            ps.setString(1, status.name());
            if (endTime == null) {
              ps.setNull(2, Types.INTEGER);
            } else {
              ps.setLong(2, endTime);
            }
            ps.setString(3, runId);
            if (ps.executeUpdate() == 0) {
              throw noRun(runId);
            }
          }
        });
  }

  @Override
  public void logParams(String runId, Map<String, String> params) {
    if (params.isEmpty()) {
      return;
    }
    db.useWrite(
        c -> {
          requireWritableRun(c, runId);
          Map<String, String> existing = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT key, value FROM params WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                existing.put(rs.getString(1), rs.getString(2));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> p : params.entrySet()) {
              String old = existing.get(p.getKey());
              if (old == null) {
                ps.setString(1, runId);
                ps.setString(2, p.getKey());
                ps.setString(3, p.getValue());
                ps.addBatch();
              } else if (!old.equals(p.getValue())) {
                throw new ConflictException(
                    "param '"
                        + p.getKey()
                        + "' of run "
                        + runId
                        + " is '"
                        + old
                        + "', cannot change it to '"
                        + p.getValue()
                        + "': params are immutable; log it under another key or in a child run");
              }
            }
            ps.executeBatch();
          }
        });
  }

  @Override
  public void setTags(String runId, Map<String, String> tags) {
    if (tags.isEmpty()) {
      return;
    }
    db.useWrite(
        c -> {
          requireWritableRun(c, runId);
          upsertTags(c, runId, tags);
          // these system tags are the run's name and, as in MLflow, what makes a run nested:
          // keep Run.name() and Run.parentId() in step with them
          followTag(c, runId, tags, "mlflow.runName", "name");
          followTag(c, runId, tags, "mlflow.parentRunId", "parent_run_id");
        });
  }

  private static void followTag(
      Connection c, String runId, Map<String, String> tags, String tag, String column)
      throws SQLException {
    String value = tags.get(tag);
    if (value == null) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE runs SET " + column + " = ? WHERE run_id = ?")) {
      ps.setString(1, value);
      ps.setString(2, runId);
      ps.executeUpdate();
    }
  }

  private static void upsertTags(Connection c, String runId, Map<String, String> tags)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value")) {
      for (Map.Entry<String, String> t : tags.entrySet()) {
        ps.setString(1, runId);
        ps.setString(2, t.getKey());
        ps.setString(3, t.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void requireWritableRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT lifecycle_stage FROM runs WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw noRun(runId);
        }
        if (DELETED.equals(rs.getString(1))) {
          throw new InvalidInputException("runId", runId, "an active run (it is deleted)");
        }
      }
    }
  }

  private static NotFoundException noRun(String runId) {
    return new NotFoundException("no run with id '" + runId + "'");
  }

  @Override
  public void logMetrics(List<RunMetric> points) {
    if (points.isEmpty()) {
      return;
    }
    // group the points by (run, key): one block row per group and flush, and the latest point of
    // each group for latest_metrics
    Map<List<String>, Integer> groupOf = new HashMap<>();
    List<RunMetric> latest = new ArrayList<>();
    int[] group = new int[points.size()];
    for (int i = 0; i < points.size(); i++) {
      RunMetric p = points.get(i);
      Integer g = groupOf.putIfAbsent(List.of(p.runId(), p.key()), groupOf.size());
      if (g == null) {
        g = latest.size();
        latest.add(p);
      } else if (isNewer(p, latest.get(g))) {
        latest.set(g, p);
      }
      group[i] = g;
    }
    int[] start = new int[latest.size() + 1];
    for (int g : group) {
      start[g + 1]++;
    }
    for (int g = 0; g < latest.size(); g++) {
      start[g + 1] += start[g];
    }
    int[] order = new int[points.size()];
    int[] next = Arrays.copyOf(start, latest.size());
    for (int i = 0; i < points.size(); i++) {
      order[next[group[i]]++] = i;
    }
    db.useWrite(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO metric_blocks (run_id, key, points) VALUES (?, ?, ?)")) {
            for (int g = 0; g < latest.size(); g++) {
              for (int from = start[g]; from < start[g + 1]; from += POINTS_PER_BLOCK) {
                int to = Math.min(start[g + 1], from + POINTS_PER_BLOCK);
                ps.setString(1, latest.get(g).runId());
                ps.setString(2, latest.get(g).key());
                ps.setBytes(3, PointBlocks.encode(points, order, from, to));
                ps.addBatch();
              }
            }
            ps.executeBatch();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO latest_metrics (run_id, key, step, timestamp, kind, value)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET"
                      + " step = excluded.step, timestamp = excluded.timestamp,"
                      + " kind = excluded.kind, value = excluded.value"
                      + " WHERE excluded.step > latest_metrics.step"
                      + " OR (excluded.step = latest_metrics.step"
                      + " AND (excluded.timestamp > latest_metrics.timestamp"
                      + " OR (excluded.timestamp = latest_metrics.timestamp AND excluded.kind <> 1"
                      + " AND (latest_metrics.kind = 1 OR excluded.value > latest_metrics.value))))")) {
            for (RunMetric p : latest) {
              bindPoint(ps, p, 0);
              ps.addBatch();
            }
            ps.executeBatch();
          }
        });
  }

  /**
   * MLflow's latest-value rule: higher step, then later timestamp, then larger value (NaN least).
   */
  static boolean isNewer(RunMetric a, RunMetric b) {
    if (a.step() != b.step()) {
      return a.step() > b.step();
    }
    if (a.timestamp() != b.timestamp()) {
      return a.timestamp() > b.timestamp();
    }
    if (Double.isNaN(a.value())) {
      return false;
    }
    return Double.isNaN(b.value()) || a.value() > b.value();
  }

  private static void bindPoint(PreparedStatement ps, RunMetric p, int offset) throws SQLException {
    ps.setString(offset + 1, p.runId());
    ps.setString(offset + 2, p.key());
    ps.setLong(offset + 3, p.step());
    ps.setLong(offset + 4, p.timestamp());
    double v = p.value();
    if (Double.isNaN(v)) {
      ps.setInt(offset + 5, KIND_NAN);
      ps.setDouble(offset + 6, 0.0);
    } else if (v == 0.0 && Double.doubleToRawLongBits(v) != 0L) {
      ps.setInt(offset + 5, KIND_NEGATIVE_ZERO);
      ps.setDouble(offset + 6, 0.0);
    } else {
      ps.setInt(offset + 5, KIND_VALUE);
      ps.setDouble(offset + 6, v);
    }
  }

  private static double decode(int kind, double value) {
    if (kind == KIND_NAN) {
      return Double.NaN;
    }
    if (kind == KIND_NEGATIVE_ZERO) {
      return -0.0;
    }
    return value;
  }

  @Override
  public List<Metric> metricHistory(String runId, String key) {
    return db.read(
        c -> {
          if (!runExists(c, runId)) {
            throw noRun(runId);
          }
          // rows logged before migration 4 stay in the row table; later points are in blocks
          PointBlocks.History history = new PointBlocks.History();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT step, timestamp, kind, value FROM metrics WHERE run_id = ? AND key = ?")) {
            ps.setString(1, runId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                history.add(rs.getLong(1), rs.getLong(2), decode(rs.getInt(3), rs.getDouble(4)));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT points FROM metric_blocks WHERE run_id = ? AND key = ? ORDER BY id")) {
            ps.setString(1, runId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                history.addBlock(rs.getBytes(1));
              }
            }
          }
          List<Metric> out = history.metrics(key);
          return out;
        });
  }

  private static boolean runExists(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM runs WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void logInputs(String runId, List<DataVersion> inputs) {
    if (inputs.isEmpty()) {
      return;
    }
    db.useWrite(
        c -> {
          requireWritableRun(c, runId);
          long seq = 0;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM run_inputs WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              seq = rs.getLong(1);
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT OR IGNORE INTO run_inputs (run_id, seq, path, md5, size, nfiles)"
                      + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (DataVersion d : inputs) {
              ps.setString(1, runId);
              ps.setLong(2, ++seq);
              ps.setString(3, d.path());
              ps.setString(4, d.md5());
              ps.setLong(5, d.size());
              if (d.nfiles() == null) {
                ps.setNull(6, Types.INTEGER);
              } else {
                ps.setInt(6, d.nfiles());
              }
              ps.executeUpdate();
            }
          }
        });
  }

  @Override
  public List<DataVersion> inputs(String runId) {
    return db.read(
        c -> {
          if (!runExists(c, runId)) {
            throw noRun(runId);
          }
          List<DataVersion> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT path, md5, size, nfiles FROM run_inputs WHERE run_id = ? ORDER BY seq")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                int nfiles = rs.getInt(4);
                Integer n = rs.wasNull() ? null : nfiles;
                out.add(new DataVersion(rs.getString(1), rs.getString(2), rs.getLong(3), n));
              }
            }
          }
          return out;
        });
  }

  @Override
  public void deleteRun(String runId) {
    setRunLifecycle(runId, DELETED, System.currentTimeMillis());
  }

  @Override
  public void restoreRun(String runId) {
    setRunLifecycle(runId, ACTIVE, null);
  }

  private void setRunLifecycle(String runId, String stage, Long deletedTime) {
    db.useWrite(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_id = ?")) {
            ps.setString(1, stage);
            if (deletedTime == null) {
              ps.setNull(2, Types.INTEGER);
            } else {
              ps.setLong(2, deletedTime);
            }
            ps.setString(3, runId);
            if (ps.executeUpdate() == 0) {
              throw noRun(runId);
            }
          }
        });
  }

  // ---------------------------------------------------------------- search

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    Filter filter = FilterParser.parseFilter(query.filter());
    List<OrderKey> order = FilterParser.parseOrderBy(query.orderBy());
    String fingerprint = fingerprint(query, filter, order);
    long offset = query.pageToken().map(t -> decodeToken(t, fingerprint)).orElse(0L);
    return db.read(
        c -> {
          if (db.isSqlite()) {
            try (Statement s = c.createStatement()) {
              s.execute(SEARCH_CACHE);
            }
          }
          List<Long> experimentIds = List.of();
          if (!query.experiments().isEmpty()) {
            experimentIds = experimentIds(c, query.experiments(), query.view());
            if (experimentIds.isEmpty()) {
              return Page.of(List.of(), null);
            }
          }
          String stage =
              query.view() == RunView.ALL
                  ? null
                  : query.view() == RunView.ACTIVE_ONLY ? ACTIVE : DELETED;
          SearchSql sql = new SearchSql(experimentIds, stage, filter, order);
          List<String> ids = search(c, sql, query.limit() + 1, offset);
          String next = null;
          if (ids.size() > query.limit()) {
            ids = ids.subList(0, query.limit());
            next = encodeToken(offset + query.limit(), fingerprint);
          }
          Map<String, Run> byId = new HashMap<>();
          for (Run r : loadRuns(c, ids)) {
            byId.put(r.id(), r);
          }
          List<Run> runs = new ArrayList<>();
          for (String id : ids) {
            Run r = byId.get(id);
            if (r != null) {
              runs.add(r);
            }
          }
          return Page.of(runs, next);
        });
  }

  /**
   * The ids of the {@code want} runs from {@code offset} on. Walks the first order key's index when
   * that likely finds them sooner than sorting every match (the filter's driving clause has at
   * least as many candidates as the walk may visit), and keeps the walk's answer only when it fills
   * the page; otherwise, or when the walk comes up short, runs the filter-driven plan.
   */
  private static List<String> search(Connection c, SearchSql sql, int want, long offset)
      throws SQLException {
    long reach = offset + want;
    if (sql.walkable() && reach <= MAX_WALK / WALK_FACTOR) {
      int walk = (int) Math.max(MIN_WALK, WALK_FACTOR * reach);
      if (!sql.hasDriver() || count(c, sql.countDriver(walk)) >= walk) {
        Optional<Object> bound = Optional.empty();
        SearchSql.Query q = sql.walkBound(walk);
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
          bind(ps, q.args(), 1);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              Object v = rs.getObject(1);
              bound = Optional.of(v instanceof Number ? ((Number) v).doubleValue() : v);
            }
          }
        }
        List<String> found = runIds(c, sql.orderWalk(bound), want, offset);
        if (found.size() == want) {
          return found;
        }
        log.debug(
            "search: walking {} entries found {} of {} runs, using the filter-driven plan",
            walk,
            found.size(),
            want);
      }
    }
    return runIds(c, sql.filterDriven(), want, offset);
  }

  private static long count(Connection c, SearchSql.Query q) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
      bind(ps, q.args(), 1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static List<String> runIds(Connection c, SearchSql.Query q, int limit, long offset)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
      bind(ps, q.args(), 1);
      ps.setInt(q.args().size() + 1, limit);
      ps.setLong(q.args().size() + 2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  private static List<Long> experimentIds(Connection c, List<String> names, RunView view)
      throws SQLException {
    List<Long> ids = new ArrayList<>();
    String sql =
        "SELECT experiment_id FROM experiments WHERE name IN ("
            + SearchSql.placeholders(names.size())
            + ")"
            + (view == RunView.ACTIVE_ONLY ? " AND lifecycle_stage = 'active'" : "");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, new ArrayList<>(names), 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  private static String fingerprint(RunQuery q, Filter filter, List<OrderKey> order) {
    String text = q.experiments() + "|" + filter + "|" + order + "|" + q.view();
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String encodeToken(long offset, String fingerprint) {
    String json = "{\"offset\":" + offset + ",\"q\":\"" + fingerprint + "\"}";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static long decodeToken(String token, String fingerprint) {
    String json;
    try {
      json = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("pageToken", token, "a token returned by a previous search");
    }
    Matcher m = TOKEN.matcher(json);
    if (!m.matches() || m.group(1).length() > 15) {
      throw new InvalidInputException("pageToken", token, "a token returned by a previous search");
    }
    if (!m.group(2).equals(fingerprint)) {
      throw new InvalidInputException(
          "pageToken",
          token,
          "a token from a search with the same experiments, filter, order and view");
    }
    return Long.parseLong(m.group(1));
  }

  // ---------------------------------------------------------------- loading runs

  private List<Run> loadRuns(Connection c, List<String> ids) throws SQLException {
    List<Run> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += IN_CHUNK) {
      out.addAll(loadChunk(c, ids.subList(from, Math.min(ids.size(), from + IN_CHUNK))));
    }
    return out;
  }

  private List<Run> loadChunk(Connection c, List<String> ids) throws SQLException {
    if (ids.isEmpty()) {
      return List.of();
    }
    String in = " WHERE run_id IN (" + SearchSql.placeholders(ids.size()) + ")";
    List<Object> args = new ArrayList<>(ids);
    Map<String, Map<String, String>> params =
        keyValues(c, "SELECT run_id, key, value FROM params" + in, args);
    Map<String, Map<String, String>> tags =
        keyValues(c, "SELECT run_id, key, value FROM tags" + in, args);
    Map<String, Map<String, Double>> metrics = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT run_id, key, kind, value FROM latest_metrics" + in)) {
      bind(ps, args, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          metrics
              .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), decode(rs.getInt(3), rs.getDouble(4)));
        }
      }
    }
    List<Run> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, experiment_id, name, status, start_time, end_time, parent_run_id,"
                + " artifact_uri FROM runs"
                + in)) {
      bind(ps, args, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          long end = rs.getLong(6);
          Instant endTime = rs.wasNull() ? null : Instant.ofEpochMilli(end);
          out.add(
              new Run(
                  id,
                  String.valueOf(rs.getLong(2)),
                  rs.getString(3),
                  RunStatus.valueOf(rs.getString(4)),
                  Instant.ofEpochMilli(rs.getLong(5)),
                  endTime,
                  rs.getString(7),
                  params.getOrDefault(id, Map.of()),
                  metrics.getOrDefault(id, Map.of()),
                  tags.getOrDefault(id, Map.of()),
                  URI.create(rs.getString(8))));
        }
      }
    }
    return out;
  }

  private static Map<String, Map<String, String>> keyValues(
      Connection c, String sql, List<Object> args) throws SQLException {
    Map<String, Map<String, String>> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), rs.getString(3));
        }
      }
    }
    return out;
  }

  private static void bind(PreparedStatement ps, List<Object> args, int first) throws SQLException {
    int i = first;
    for (Object a : args) {
      if (a instanceof String) {
        ps.setString(i++, (String) a);
      } else if (a instanceof Long) {
        ps.setLong(i++, (Long) a);
      } else if (a instanceof Double) {
        ps.setDouble(i++, (Double) a);
      } else if (a instanceof Integer) {
        ps.setInt(i++, (Integer) a);
      } else {
        throw new IllegalArgumentException("cannot bind " + a);
      }
    }
  }

  @Override
  public void close() {
    if (ownsDatabase) {
      db.close();
    }
  }

  @Override
  public String toString() {
    return "SqliteTrackingStore{" + db.url() + "}";
  }
}
