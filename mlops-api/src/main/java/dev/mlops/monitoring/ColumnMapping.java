package dev.mlops.monitoring;

import dev.mlops.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A schema for a {@link Table}: which columns are numeric or categorical (overriding inference),
 * and which play the roles of target, prediction, id and datetime (as Evidently's ColumnMapping).
 * Id and datetime columns are not tested for drift. Immutable and thread-safe.
 *
 * <pre>{@code
 * ColumnMapping mapping = ColumnMapping.builder()
 *     .categorical("zip").numeric("age").target("churned").prediction("score")
 *     .id("customer_id").datetime("ts").build();
 * }</pre>
 */
public final class ColumnMapping {
  private static final ColumnMapping INFER = new Builder().build();

  private final Set<String> numeric;
  private final Set<String> categorical;
  private final String target;
  private final List<String> prediction;
  private final String id;
  private final String datetime;

  private ColumnMapping(Builder b) {
    this.numeric = Collections.unmodifiableSet(new LinkedHashSet<>(b.numeric));
    this.categorical = Collections.unmodifiableSet(new LinkedHashSet<>(b.categorical));
    this.target = b.target;
    this.prediction = List.copyOf(b.prediction);
    this.id = b.id;
    this.datetime = b.datetime;
  }

  /** No overrides: every type is inferred, no column has a role. */
  public static ColumnMapping infer() {
    return INFER;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Columns forced to {@link ColumnType#NUMERIC}. */
  public Set<String> numeric() {
    return numeric;
  }

  /** Columns forced to {@link ColumnType#CATEGORICAL}. */
  public Set<String> categorical() {
    return categorical;
  }

  /** The target (label) column. */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  /** The prediction column(s). */
  public List<String> prediction() {
    return prediction;
  }

  /** The id column (excluded from drift). */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The datetime column (excluded from drift). */
  public Optional<String> datetime() {
    return Optional.ofNullable(datetime);
  }

  /** Whether {@code column} is the target or a prediction column. */
  public boolean isTargetOrPrediction(String column) {
    return column.equals(target) || prediction.contains(column);
  }

  /** Whether {@code column} is excluded from drift (the id or the datetime column). */
  public boolean isExcluded(String column) {
    return column.equals(id) || column.equals(datetime);
  }

  @Override
  public String toString() {
    return "ColumnMapping{numeric="
        + numeric
        + ", categorical="
        + categorical
        + ", target="
        + target
        + ", prediction="
        + prediction
        + ", id="
        + id
        + ", datetime="
        + datetime
        + "}";
  }

  /** Builds a {@link ColumnMapping}; validated at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final Set<String> numeric = new LinkedHashSet<>();
    private final Set<String> categorical = new LinkedHashSet<>();
    private String target;
    private final List<String> prediction = new java.util.ArrayList<>();
    private String id;
    private String datetime;

    private Builder() {}

    /** Forces these columns to be numeric. */
    public Builder numeric(String... columns) {
      for (String c : columns) {
        numeric.add(name("numeric", c));
      }
      return this;
    }

    /** Forces these columns to be categorical. */
    public Builder categorical(String... columns) {
      for (String c : columns) {
        categorical.add(name("categorical", c));
      }
      return this;
    }

    /** The target column. */
    public Builder target(String column) {
      this.target = name("target", column);
      return this;
    }

    /** The prediction column(s). */
    public Builder prediction(String... columns) {
      for (String c : columns) {
        prediction.add(name("prediction", c));
      }
      return this;
    }

    /** The id column. */
    public Builder id(String column) {
      this.id = name("id", column);
      return this;
    }

    /** The datetime column. */
    public Builder datetime(String column) {
      this.datetime = name("datetime", column);
      return this;
    }

    /**
     * Builds the mapping.
     *
     * @throws InvalidInputException when a column is declared both numeric and categorical
     */
    public ColumnMapping build() {
      for (String c : numeric) {
        if (categorical.contains(c)) {
          throw new InvalidInputException(
              "columnMapping." + c, "numeric and categorical", "one type per column: remove one");
        }
      }
      return new ColumnMapping(this);
    }

    private static String name(String field, String column) {
      if (column == null || column.isEmpty()) {
        throw new InvalidInputException(field, column, "a non-empty column name");
      }
      return column;
    }
  }
}
