package dev.mlops.tracking.sqlite;

import java.util.List;

/** The tracking tables, as versioned migrations ({@code Database.migrate("tracking", ...)}). */
final class Schema {
  static final String COMPONENT = "tracking";

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
              + "CREATE INDEX runs_parent ON runs(parent_run_id);\n");

  private Schema() {}
}
