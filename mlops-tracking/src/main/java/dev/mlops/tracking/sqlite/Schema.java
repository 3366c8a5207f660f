package dev.mlops.tracking.sqlite;

import java.util.List;

/** The tracking tables, as versioned migrations ({@code Database.migrate("tracking", ...)}). */
final class Schema {
  static final String COMPONENT = "tracking";

  /**
   * Migration 3: what searches read, keyed by a small integer run key {@code rk} instead of the
   * 32-character run id, so the many per-candidate probes of a search are integer B-tree lookups in
   * compact tables. {@code search_runs} mirrors the searchable columns of {@code runs}; {@code
   * search_metrics} mirrors {@code latest_metrics} with NaN as NULL (so comparisons and NULLS LAST
   * treat NaN as MLflow does, with no extra column); {@code search_params} and {@code search_tags}
   * mirror params and tags. Triggers on the source tables keep them in the same transaction as
   * every write, whatever writes it. The text-keyed {@code (key, value)} indexes of migration 2 are
   * replaced by the search tables' own. Existing data is copied over.
   *
   * <p>Trigger bodies are written on one line: {@code Database.migrate} splits statements at a
   * semicolon that ends a line.
   */
  private static final String SEARCH_TABLES =
      "CREATE TABLE search_runs (\n"
          + "  rk INTEGER PRIMARY KEY,\n"
          + "  run_id TEXT NOT NULL UNIQUE,\n"
          + "  experiment_id INTEGER NOT NULL,\n"
          + "  lifecycle_stage TEXT NOT NULL,\n"
          + "  name TEXT NOT NULL, status TEXT NOT NULL, user_id TEXT, artifact_uri TEXT NOT NULL,\n"
          + "  start_time INTEGER NOT NULL, end_time INTEGER);\n"
          + "CREATE TABLE search_metrics (\n"
          + "  rk INTEGER NOT NULL, key TEXT NOT NULL, value REAL,\n"
          + "  PRIMARY KEY (rk, key)) WITHOUT ROWID;\n"
          + "CREATE TABLE search_params (\n"
          + "  rk INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,\n"
          + "  PRIMARY KEY (rk, key)) WITHOUT ROWID;\n"
          + "CREATE TABLE search_tags (\n"
          + "  rk INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,\n"
          + "  PRIMARY KEY (rk, key)) WITHOUT ROWID;\n"
          + "INSERT INTO search_runs (run_id, experiment_id, lifecycle_stage, name, status, user_id,"
          + " artifact_uri, start_time, end_time) SELECT run_id, experiment_id, lifecycle_stage,"
          + " name, status, user_id, artifact_uri, start_time, end_time FROM runs"
          + " ORDER BY start_time, run_id;\n"
          + "INSERT INTO search_metrics (rk, key, value) SELECT s.rk, l.key,"
          + " CASE WHEN l.kind = 1 THEN NULL ELSE l.value END"
          + " FROM latest_metrics l JOIN search_runs s ON s.run_id = l.run_id ORDER BY 1, 2;\n"
          + "INSERT INTO search_params (rk, key, value) SELECT s.rk, p.key, p.value"
          + " FROM params p JOIN search_runs s ON s.run_id = p.run_id ORDER BY 1, 2;\n"
          + "INSERT INTO search_tags (rk, key, value) SELECT s.rk, t.key, t.value"
          + " FROM tags t JOIN search_runs s ON s.run_id = t.run_id ORDER BY 1, 2;\n"
          + "CREATE INDEX search_runs_experiment ON search_runs(experiment_id, start_time);\n"
          + "CREATE INDEX search_metrics_key_value ON search_metrics(key, value);\n"
          + "CREATE INDEX search_params_key_value ON search_params(key, value);\n"
          + "CREATE INDEX search_tags_key_value ON search_tags(key, value);\n"
          + "DROP INDEX latest_metrics_key_value;\n"
          + "DROP INDEX params_key_value;\n"
          + "DROP INDEX tags_key_value;\n"
          // runs
          + "CREATE TRIGGER search_runs_insert AFTER INSERT ON runs BEGIN"
          + " INSERT INTO search_runs (run_id, experiment_id, lifecycle_stage, name, status,"
          + " user_id, artifact_uri, start_time, end_time) VALUES (new.run_id, new.experiment_id,"
          + " new.lifecycle_stage, new.name, new.status, new.user_id, new.artifact_uri,"
          + " new.start_time, new.end_time); END;\n"
          + "CREATE TRIGGER search_runs_update AFTER UPDATE ON runs BEGIN"
          + " UPDATE search_runs SET run_id = new.run_id, experiment_id = new.experiment_id,"
          + " lifecycle_stage = new.lifecycle_stage, name = new.name, status = new.status,"
          + " user_id = new.user_id, artifact_uri = new.artifact_uri, start_time = new.start_time,"
          + " end_time = new.end_time WHERE run_id = old.run_id; END;\n"
          + "CREATE TRIGGER search_runs_delete AFTER DELETE ON runs BEGIN"
          + " DELETE FROM search_metrics WHERE rk = (SELECT rk FROM search_runs"
          + " WHERE run_id = old.run_id);"
          + " DELETE FROM search_params WHERE rk = (SELECT rk FROM search_runs"
          + " WHERE run_id = old.run_id);"
          + " DELETE FROM search_tags WHERE rk = (SELECT rk FROM search_runs"
          + " WHERE run_id = old.run_id);"
          + " DELETE FROM search_runs WHERE run_id = old.run_id; END;\n"
          // latest metrics (NaN, kind 1, as NULL)
          + mirror(
              "latest_metrics",
              "search_metrics",
              "CASE WHEN new.kind = 1 THEN NULL ELSE new.value END")
          + mirror("params", "search_params", "new.value")
          + mirror("tags", "search_tags", "new.value");

  /**
   * Metric values are stored as REAL with a {@code kind}: 0 a plain value, 1 NaN (SQLite turns NaN
   * into NULL), 2 negative zero (SQLite drops the sign). The infinities are stored as REAL.
   */
  static final List<String> MIGRATIONS =
      List.of(
          // 1: experiments, runs, params, tags, metric history, latest metrics
          "CREATE TABLE experiments (\n"
              + "  experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
              + "  name TEXT NOT NULL,\n"
              + "  artifact_location TEXT NOT NULL,\n"
              + "  lifecycle_stage TEXT NOT NULL DEFAULT 'active',\n"
              + "  creation_time INTEGER NOT NULL,\n"
              + "  last_update_time INTEGER NOT NULL,\n"
              + "  deleted_time INTEGER);\n"
              + "CREATE UNIQUE INDEX experiments_active_name ON experiments(name)"
              + " WHERE lifecycle_stage = 'active';\n"
              + "CREATE TABLE experiment_tags (\n"
              + "  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),\n"
              + "  key TEXT NOT NULL, value TEXT NOT NULL,\n"
              + "  PRIMARY KEY (experiment_id, key)) WITHOUT ROWID;\n"
              + "CREATE TABLE runs (\n"
              + "  run_id TEXT PRIMARY KEY,\n"
              + "  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),\n"
              + "  name TEXT NOT NULL,\n"
              + "  status TEXT NOT NULL,\n"
              + "  start_time INTEGER NOT NULL,\n"
              + "  end_time INTEGER,\n"
              + "  parent_run_id TEXT,\n"
              + "  user_id TEXT,\n"
              + "  artifact_uri TEXT NOT NULL,\n"
              + "  lifecycle_stage TEXT NOT NULL DEFAULT 'active',\n"
              + "  deleted_time INTEGER);\n"
              + "CREATE INDEX runs_experiment ON runs(experiment_id, start_time);\n"
              + "CREATE TABLE params (\n"
              + "  run_id TEXT NOT NULL REFERENCES runs(run_id),\n"
              + "  key TEXT NOT NULL, value TEXT NOT NULL,\n"
              + "  PRIMARY KEY (run_id, key)) WITHOUT ROWID;\n"
              + "CREATE TABLE tags (\n"
              + "  run_id TEXT NOT NULL REFERENCES runs(run_id),\n"
              + "  key TEXT NOT NULL, value TEXT NOT NULL,\n"
              + "  PRIMARY KEY (run_id, key)) WITHOUT ROWID;\n"
              + "CREATE TABLE metrics (\n"
              + "  run_id TEXT NOT NULL, key TEXT NOT NULL,\n"
              + "  step INTEGER NOT NULL, timestamp INTEGER NOT NULL,\n"
              + "  kind INTEGER NOT NULL, value REAL NOT NULL,\n"
              + "  PRIMARY KEY (run_id, key, step, timestamp, kind, value)) WITHOUT ROWID;\n"
              + "CREATE TABLE latest_metrics (\n"
              + "  run_id TEXT NOT NULL, key TEXT NOT NULL,\n"
              + "  step INTEGER NOT NULL, timestamp INTEGER NOT NULL,\n"
              + "  kind INTEGER NOT NULL, value REAL NOT NULL,\n"
              + "  PRIMARY KEY (run_id, key)) WITHOUT ROWID;\n",
          // 2: run inputs (data lineage) and the indexes that drive searches
          "CREATE TABLE run_inputs (\n"
              + "  run_id TEXT NOT NULL REFERENCES runs(run_id),\n"
              + "  seq INTEGER NOT NULL,\n"
              + "  path TEXT NOT NULL, md5 TEXT NOT NULL, size INTEGER NOT NULL, nfiles INTEGER,\n"
              + "  PRIMARY KEY (run_id, path, md5)) WITHOUT ROWID;\n"
              + "CREATE INDEX run_inputs_md5 ON run_inputs(md5);\n"
              + "CREATE INDEX latest_metrics_key_value ON latest_metrics(key, value, kind);\n"
              + "CREATE INDEX params_key_value ON params(key, value);\n"
              + "CREATE INDEX tags_key_value ON tags(key, value);\n"
              + "CREATE INDEX runs_parent ON runs(parent_run_id);\n",
          // 3: search tables keyed by an integer run key, kept by triggers (see SEARCH_TABLES)
          SEARCH_TABLES,
          // 4: metric history in packed blocks, one row per (run, key) and flush (PointBlocks);
          // the rows of the metrics table stay where they are and are read with the blocks
          "CREATE TABLE metric_blocks (\n"
              + "  id INTEGER PRIMARY KEY,\n"
              + "  run_id TEXT NOT NULL, key TEXT NOT NULL,\n"
              + "  points BLOB NOT NULL);\n"
              + "CREATE INDEX metric_blocks_run_key ON metric_blocks(run_id, key, id);\n");

  /** Insert, update and delete triggers copying {@code source} rows into {@code target}. */
  private static String mirror(String source, String target, String value) {
    String upsert =
        " INSERT OR REPLACE INTO "
            + target
            + " (rk, key, value) SELECT s.rk, new.key, "
            + value
            + " FROM search_runs s WHERE s.run_id = new.run_id;";
    String delete =
        " DELETE FROM "
            + target
            + " WHERE rk = (SELECT rk FROM search_runs WHERE run_id = old.run_id)"
            + " AND key = old.key;";
    return "CREATE TRIGGER "
        + target
        + "_insert AFTER INSERT ON "
        + source
        + " BEGIN"
        + upsert
        + " END;\n"
        + "CREATE TRIGGER "
        + target
        + "_update AFTER UPDATE ON "
        + source
        + " BEGIN"
        + delete
        + upsert
        + " END;\n"
        + "CREATE TRIGGER "
        + target
        + "_delete AFTER DELETE ON "
        + source
        + " BEGIN"
        + delete
        + " END;\n";
  }

  private Schema() {}
}
