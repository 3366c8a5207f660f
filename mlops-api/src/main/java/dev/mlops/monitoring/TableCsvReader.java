package dev.mlops.monitoring;

import java.nio.file.Path;

/**
 * Hook through which {@link Table#readCsv(Path)} parses CSV: {@code mlops-api} has no CSV parser,
 * so the implementation module ({@code mlops-monitoring}) registers one in {@code
 * META-INF/services/dev.mlops.monitoring.TableCsvReader}, found with {@link
 * java.util.ServiceLoader}. Users do not implement it. Implementations are thread-safe.
 */
public interface TableCsvReader {
  /**
   * Reads a CSV file with a header row; an empty field is a missing value.
   *
   * @throws dev.mlops.InvalidInputException on malformed content (names the line)
   * @throws dev.mlops.StoreException when the file cannot be read
   */
  Table read(Path file, ColumnMapping mapping);
}
