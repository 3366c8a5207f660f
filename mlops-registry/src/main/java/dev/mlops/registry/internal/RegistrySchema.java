package dev.mlops.registry.internal;

import java.util.List;

/** The registry's tables in the shared home database, as versioned migrations. */
final class RegistrySchema {
  private RegistrySchema() {}

  static final List<String> MIGRATIONS =
      List.of(
          String.join(
              "\n",
              "CREATE TABLE registry_models (",
              "  name VARCHAR(256) PRIMARY KEY,",
              "  description TEXT NOT NULL DEFAULT '',",
              "  created_at BIGINT NOT NULL,",
              "  updated_at BIGINT NOT NULL,",
              "  last_version INTEGER NOT NULL DEFAULT 0,",
              "  deleted INTEGER NOT NULL DEFAULT 0);",
              "CREATE TABLE registry_versions (",
              "  name VARCHAR(256) NOT NULL REFERENCES registry_models(name),",
              "  version INTEGER NOT NULL,",
              "  status VARCHAR(20) NOT NULL,",
              "  semver VARCHAR(100),",
              "  stage VARCHAR(100) NOT NULL DEFAULT 'None',",
              "  stage_key VARCHAR(100) NOT NULL DEFAULT 'none',",
              "  stage_seq BIGINT NOT NULL DEFAULT 0,",
              "  run_id VARCHAR(64),",
              "  source TEXT NOT NULL,",
              "  digest VARCHAR(80) NOT NULL,",
              "  manifest TEXT NOT NULL,",
              "  description TEXT NOT NULL DEFAULT '',",
              "  signature TEXT,",
              "  lineage TEXT NOT NULL,",
              "  size_bytes BIGINT NOT NULL,",
              "  file_count INTEGER NOT NULL,",
              "  created_at BIGINT NOT NULL,",
              "  updated_at BIGINT NOT NULL,",
              "  PRIMARY KEY (name, version));",
              "CREATE UNIQUE INDEX registry_versions_semver ON registry_versions (name, semver)"
                  + " WHERE semver IS NOT NULL;",
              "CREATE INDEX registry_versions_stage ON registry_versions (name, stage_key,"
                  + " stage_seq);",
              "CREATE TABLE registry_version_tags (",
              "  name VARCHAR(256) NOT NULL,",
              "  version INTEGER NOT NULL,",
              "  tag_key VARCHAR(250) NOT NULL,",
              "  tag_value TEXT NOT NULL,",
              "  PRIMARY KEY (name, version, tag_key));",
              "CREATE TABLE registry_aliases (",
              "  name VARCHAR(256) NOT NULL,",
              "  alias VARCHAR(255) NOT NULL,",
              "  version INTEGER NOT NULL,",
              "  PRIMARY KEY (name, alias));",
              "CREATE INDEX registry_aliases_version ON registry_aliases (name, version);",
              "CREATE TABLE registry_events (",
              "  seq BIGINT PRIMARY KEY,",
              "  name VARCHAR(256) NOT NULL,",
              "  version INTEGER NOT NULL,",
              "  action VARCHAR(30) NOT NULL,",
              "  actor VARCHAR(256) NOT NULL,",
              "  at BIGINT NOT NULL,",
              "  from_value TEXT NOT NULL,",
              "  to_value TEXT NOT NULL,",
              "  reason TEXT NOT NULL);",
              "CREATE INDEX registry_events_name ON registry_events (name, seq);",
              "CREATE TABLE registry_state (id INTEGER PRIMARY KEY, generation BIGINT NOT NULL);",
              "INSERT INTO registry_state (id, generation) VALUES (1, 0)"),
          // 2: a deleted version keeps its SemVer label here (the live column is cleared so the
          // label can be reused), so the GTO export can still deregister it in Git
          "ALTER TABLE registry_versions ADD COLUMN deleted_semver VARCHAR(100)");
}
