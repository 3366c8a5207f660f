package dev.mlops.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One row of the churn table: the model's input. Components are named like the CSV columns so that
 * JSON requests map onto it as they are.
 */
@SuppressWarnings("MemberName") // snake_case mirrors the CSV and JSON column names
public record Customer(
    String customer_id,
    int tenure_months,
    double monthly_charges,
    int support_calls,
    String contract,
    int age,
    int churned) {

  /** Parses a CSV line of {@link ChurnDataGenerator#HEADER}. */
  public static Customer parse(String line) {
    String[] f = line.split(",", -1);
    return new Customer(
        f[0],
        Integer.parseInt(f[1]),
        Double.parseDouble(f[2]),
        Integer.parseInt(f[3]),
        f[4],
        Integer.parseInt(f[5]),
        f.length > 6 && !f[6].isEmpty() ? Integer.parseInt(f[6]) : 0);
  }

  /** Reads a whole churn CSV (with header). */
  public static List<Customer> readCsv(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines
          .skip(1)
          .filter(l -> !l.isBlank())
          .map(Customer::parse)
          .collect(Collectors.toList());
    }
  }
}
