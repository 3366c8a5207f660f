package dev.mlops.monitoring;

/** The kind of a {@link Table} column. */
public enum ColumnType {
  /** Numbers, stored as {@code double} with NaN for missing. */
  NUMERIC,
  /** Strings (categories), with null for missing. */
  CATEGORICAL,
  /** true/false, with null for missing; drift treats it as categorical. */
  BOOLEAN,
  /** Timestamps, stored as epoch milliseconds; excluded from drift. */
  DATETIME
}
