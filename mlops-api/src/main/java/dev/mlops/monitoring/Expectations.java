package dev.mlops.monitoring;

import dev.mlops.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Data-quality expectations checked by {@link Monitoring#quality}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Expectations e = Expectations.builder()
 *     .notNull("id").unique("id").range("age", 0, 120)
 *     .allowedValues("plan", Set.of("free", "pro")).regex("email", ".+@.+")
 *     .rowCount(1, 1_000_000).build();
 * }</pre>
 *
 * <p>Missing values fail only {@code notNull}; the other column checks skip them.
 */
public final class Expectations {
  /**
   * One expectation.
   *
   * @param kind not_null, range, allowed_values, regex, unique or row_count
   * @param column the column ("" for row_count)
   * @param min lower bound (range, row_count), inclusive
   * @param max upper bound (range, row_count), inclusive
   * @param allowed allowed values (allowed_values)
   * @param pattern the regex (must match the whole value)
   */
  public record Expectation(
      String kind, String column, double min, double max, Set<String> allowed, String pattern) {
    public Expectation {
      allowed = Set.copyOf(allowed);
    }
  }

  private final List<Expectation> list;

  private Expectations(List<Expectation> list) {
    this.list = List.copyOf(list);
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The expectations in declaration order. */
  public List<Expectation> list() {
    return list;
  }

  /** Builds {@link Expectations}; each call validates its arguments. Not thread-safe. */
  public static final class Builder {
    private final List<Expectation> list = new ArrayList<>();

    private Builder() {}

    /** No missing value in the column. */
    public Builder notNull(String column) {
      return add("not_null", column, Double.NaN, Double.NaN, Set.of(), "");
    }

    /** Every non-missing value within [min, max] (numeric columns). */
    public Builder range(String column, double min, double max) {
      if (!(min <= max)) {
        throw new InvalidInputException("range", min + ".." + max, "min <= max");
      }
      return add("range", column, min, max, Set.of(), "");
    }

    /** Every non-missing value is one of {@code allowed}. */
    public Builder allowedValues(String column, Set<String> allowed) {
      if (allowed == null || allowed.isEmpty()) {
        throw new InvalidInputException("allowedValues", allowed, "a non-empty set");
      }
      if (allowed.stream().anyMatch(java.util.Objects::isNull)) {
        throw new InvalidInputException(
            "allowedValues",
            String.valueOf(allowed),
            "no null value (missing values are always allowed; use notNull to forbid them)");
      }
      return add("allowed_values", column, Double.NaN, Double.NaN, allowed, "");
    }

    /** Every non-missing value matches {@code regex} entirely. */
    public Builder regex(String column, String regex) {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException | NullPointerException e) {
        throw new InvalidInputException("regex", regex, "a valid java.util.regex pattern", e);
      }
      return add("regex", column, Double.NaN, Double.NaN, Set.of(), regex);
    }

    /** No non-missing value occurs twice. */
    public Builder unique(String column) {
      return add("unique", column, Double.NaN, Double.NaN, Set.of(), "");
    }

    /** The table has between min and max rows (inclusive). */
    public Builder rowCount(long min, long max) {
      if (min < 0 || min > max) {
        throw new InvalidInputException("rowCount", min + ".." + max, "0 <= min <= max");
      }
      list.add(new Expectation("row_count", "", min, max, Set.of(), ""));
      return this;
    }

    private Builder add(
        String kind, String column, double min, double max, Set<String> allowed, String pattern) {
      if (column == null || column.isEmpty()) {
        throw new InvalidInputException(kind + ".column", column, "a non-empty column name");
      }
      list.add(new Expectation(kind, column, min, max, allowed, pattern));
      return this;
    }

    /**
     * Builds the expectations.
     *
     * @throws InvalidInputException when none was declared
     */
    public Expectations build() {
      if (list.isEmpty()) {
        throw new InvalidInputException("expectations", "[]", "at least one expectation");
      }
      return new Expectations(list);
    }
  }
}
