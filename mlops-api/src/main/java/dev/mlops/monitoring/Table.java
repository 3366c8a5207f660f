package dev.mlops.monitoring;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.serving.PredictionRecord;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * An immutable columnar table: numeric columns as {@code double[]} (NaN = missing), categorical and
 * boolean columns as strings (null = missing), datetime columns as epoch milliseconds (NaN =
 * missing). Thread-safe.
 *
 * <pre>{@code
 * Table ref = Table.readCsv(Path.of("train.csv"));
 * Table cur = Table.fromRows(List.of(Map.of("age", 31, "city", "Oslo")));
 * Table t = Table.builder().numeric("age", new double[] {31, 45}).categorical("city",
 *     Arrays.asList("Oslo", null)).build();
 * }</pre>
 *
 * <p>Type inference (as Evidently does from pandas dtypes): a column whose values are all numbers
 * is numeric, all booleans is boolean, all timestamps is datetime, anything else categorical; a
 * column with no value at all is numeric. A {@link ColumnMapping} overrides it.
 */
public final class Table {
  private final List<String> names;
  private final Map<String, Column> columns;
  private final int rows;

  private static final class Column {
    final ColumnType type;
    final double[] numbers; // NUMERIC, DATETIME
    final String[] strings; // CATEGORICAL, BOOLEAN

    Column(ColumnType type, double[] numbers, String[] strings) {
      this.type = type;
      this.numbers = numbers;
      this.strings = strings;
    }

    int size() {
      return numbers != null ? numbers.length : strings.length;
    }
  }

  private Table(List<String> names, Map<String, Column> columns, int rows) {
    this.names = List.copyOf(names);
    this.columns = columns;
    this.rows = rows;
  }

  /** A builder of columns. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a CSV file with a header row (comma separated, RFC 4180 quoting, UTF-8, optional BOM); an
   * empty field is a missing value. Needs {@code mlops-monitoring} on the classpath.
   *
   * @throws InvalidInputException on a malformed file (no header, duplicate or empty column names,
   *     a row with more fields than the header)
   * @throws dev.mlops.StoreException when the file cannot be read
   */
  public static Table readCsv(Path file) {
    return readCsv(file, ColumnMapping.infer());
  }

  /** Like {@link #readCsv(Path)}, with type overrides from {@code mapping}. */
  public static Table readCsv(Path file, ColumnMapping mapping) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(mapping, "mapping");
    return CsvHolder.READER.read(file, mapping);
  }

  private static final class CsvHolder {
    static final TableCsvReader READER = load();

    private static TableCsvReader load() {
      for (TableCsvReader r :
          ServiceLoader.load(TableCsvReader.class, Table.class.getClassLoader())) {
        return r;
      }
      return (file, mapping) -> {
        throw new MlopsException(
            "mlops-monitoring is not on the classpath: add dependency"
                + " dev.mlops:mlops-monitoring to read CSV");
      };
    }
  }

  /**
   * A table from rows of column name to value (Number, Boolean, String, Instant/Date, or null for
   * missing). Columns are the union of keys, in first-seen order; a key absent from a row is
   * missing there. Types are inferred.
   */
  public static Table fromRows(List<? extends Map<String, ?>> rows) {
    Objects.requireNonNull(rows, "rows");
    Set<String> keys = new LinkedHashSet<>();
    for (Map<String, ?> row : rows) {
      if (row == null) {
        throw new InvalidInputException("rows", null, "no null row");
      }
      keys.addAll(row.keySet());
    }
    Builder b = builder();
    for (String key : keys) {
      List<Object> values = new ArrayList<>(rows.size());
      for (Map<String, ?> row : rows) {
        values.add(row.get(key));
      }
      b.inferred(key, values);
    }
    return b.build(rows.size());
  }

  /** A table from rows with explicit type overrides. */
  public static Table fromRows(List<? extends Map<String, ?>> rows, ColumnMapping mapping) {
    return fromRows(rows).withMapping(mapping);
  }

  /**
   * A table from Java records: one column per record component (in declaration order), types
   * inferred from the values.
   *
   * @throws InvalidInputException when the list is empty (no component names) or mixes classes
   */
  public static Table fromRecords(List<? extends Record> records) {
    Objects.requireNonNull(records, "records");
    if (records.isEmpty()) {
      throw new InvalidInputException("records", "[]", "at least one record (to learn columns)");
    }
    Class<?> type = records.get(0).getClass();
    RecordComponent[] components = type.getRecordComponents();
    List<Map<String, Object>> rows = new ArrayList<>(records.size());
    for (Record r : records) {
      if (r == null || r.getClass() != type) {
        throw new InvalidInputException(
            "records", r == null ? null : r.getClass().getName(), "records of one class " + type);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (RecordComponent c : components) {
        try {
          c.getAccessor().setAccessible(true);
          row.put(c.getName(), c.getAccessor().invoke(r));
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new InvalidInputException(
              "records", type.getName(), "a record whose accessors can be called", e);
        }
      }
      rows.add(row);
    }
    return fromRows(rows);
  }

  /**
   * A table from a served endpoint's prediction log: one column per top-level input field, {@code
   * prediction} (a scalar output; a map output gives {@code prediction.<key>} per scalar entry),
   * {@code request_id} and {@code timestamp}. An input field with one of those names wins over the
   * generated column.
   */
  public static Table fromPredictions(List<PredictionRecord> log) {
    Objects.requireNonNull(log, "log");
    List<Map<String, Object>> rows = new ArrayList<>(log.size());
    for (PredictionRecord r : log) {
      Map<String, Object> row = new LinkedHashMap<>();
      r.input().forEach((k, v) -> row.put(k, scalar(v)));
      Object out = r.output();
      if (out instanceof Map) {
        ((Map<?, ?>) out)
            .forEach(
                (k, v) -> {
                  if (!(v instanceof Map) && !(v instanceof List)) {
                    row.putIfAbsent("prediction." + k, v);
                  }
                });
      } else if (out instanceof List && ((List<?>) out).size() == 1) {
        row.putIfAbsent("prediction", scalar(((List<?>) out).get(0)));
      } else if (!(out instanceof List)) {
        row.putIfAbsent("prediction", out);
      }
      row.putIfAbsent("request_id", r.requestId());
      row.putIfAbsent("timestamp", r.timestamp());
      rows.add(row);
    }
    return fromRows(rows);
  }

  private static Object scalar(Object v) {
    return v instanceof Map || v instanceof List ? String.valueOf(v) : v;
  }

  /** Number of rows. */
  public int rowCount() {
    return rows;
  }

  /** Column names in order. */
  public List<String> columnNames() {
    return names;
  }

  /** Whether the table has this column. */
  public boolean hasColumn(String name) {
    return columns.containsKey(name);
  }

  /**
   * The type of a column.
   *
   * @throws dev.mlops.NotFoundException when there is no such column
   */
  public ColumnType type(String name) {
    return column(name).type;
  }

  /**
   * A copy of a numeric or datetime column (NaN = missing; datetime as epoch millis); a boolean
   * column gives 1/0.
   *
   * @throws InvalidInputException for a categorical column
   */
  public double[] numeric(String name) {
    Column c = column(name);
    if (c.numbers != null) {
      return c.numbers.clone();
    }
    if (c.type == ColumnType.BOOLEAN) {
      double[] out = new double[rows];
      for (int i = 0; i < rows; i++) {
        out[i] = c.strings[i] == null ? Double.NaN : "true".equals(c.strings[i]) ? 1 : 0;
      }
      return out;
    }
    throw new InvalidInputException(name, c.type, "a numeric, boolean or datetime column");
  }

  /**
   * Copies a numeric, datetime or boolean column, as {@link #numeric} gives it, into {@code dest[0,
   * rowCount())}: a caller scanning many large columns can reuse one buffer instead of allocating a
   * copy per column.
   *
   * @throws InvalidInputException for a categorical column, or when {@code dest} is shorter than
   *     {@link #rowCount()}
   */
  public void copyNumeric(String name, double[] dest) {
    Column c = column(name);
    if (c.numbers == null && c.type != ColumnType.BOOLEAN) {
      throw new InvalidInputException(name, c.type, "a numeric, boolean or datetime column");
    }
    if (dest.length < rows) {
      throw new InvalidInputException(
          "dest", "length " + dest.length, "an array of at least " + rows + " values");
    }
    if (c.numbers != null) {
      System.arraycopy(c.numbers, 0, dest, 0, rows);
      return;
    }
    for (int i = 0; i < rows; i++) {
      dest[i] = c.strings[i] == null ? Double.NaN : "true".equals(c.strings[i]) ? 1 : 0;
    }
  }

  /**
   * The values of a column as strings (null = missing): categories as they are, booleans as
   * "true"/"false", numbers in their shortest form ({@code 4} for 4.0), datetimes as ISO-8601.
   * Unmodifiable.
   */
  public List<String> strings(String name) {
    Column c = column(name);
    if (c.strings != null) {
      return Collections.unmodifiableList(Arrays.asList(c.strings));
    }
    String[] out = new String[rows];
    for (int i = 0; i < rows; i++) {
      double v = c.numbers[i];
      if (!Double.isNaN(v)) {
        out[i] =
            c.type == ColumnType.DATETIME
                ? Instant.ofEpochMilli((long) v).toString()
                : formatNumber(v);
      }
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  /** One cell as a Java value: Double, String, Boolean, Instant, or null when missing. */
  public Object value(int row, String name) {
    Column c = column(name);
    if (row < 0 || row >= rows) {
      throw new InvalidInputException("row", row, "0.." + (rows - 1));
    }
    switch (c.type) {
      case NUMERIC:
        return Double.isNaN(c.numbers[row]) ? null : c.numbers[row];
      case DATETIME:
        return Double.isNaN(c.numbers[row]) ? null : Instant.ofEpochMilli((long) c.numbers[row]);
      case BOOLEAN:
        return c.strings[row] == null ? null : Boolean.valueOf(c.strings[row]);
      default:
        return c.strings[row];
    }
  }

  /** The rows {@code from} (inclusive) to {@code to} (exclusive) as a new table. */
  public Table slice(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new InvalidInputException("slice", from + ".." + to, "0 <= from <= to <= " + rows);
    }
    Map<String, Column> out = new LinkedHashMap<>();
    for (String n : names) {
      Column c = columns.get(n);
      out.put(
          n,
          new Column(
              c.type,
              c.numbers == null ? null : Arrays.copyOfRange(c.numbers, from, to),
              c.strings == null ? null : Arrays.copyOfRange(c.strings, from, to)));
    }
    return new Table(names, out, to - from);
  }

  /** The named columns only, in the given order. */
  public Table select(String... selected) {
    Map<String, Column> out = new LinkedHashMap<>();
    for (String n : selected) {
      out.put(n, column(n));
    }
    return new Table(List.of(selected), out, rows);
  }

  /**
   * This table with the types forced by {@code mapping}: numbers become categories in their
   * shortest text form, categories become numbers when every value parses.
   *
   * @throws InvalidInputException when a column to make numeric holds a non-number
   */
  public Table withMapping(ColumnMapping mapping) {
    Objects.requireNonNull(mapping, "mapping");
    Map<String, Column> out = new LinkedHashMap<>(columns);
    for (String n : mapping.categorical()) {
      Column c = columns.get(n);
      if (c != null && c.type != ColumnType.CATEGORICAL) {
        out.put(n, new Column(ColumnType.CATEGORICAL, null, strings(n).toArray(new String[0])));
      }
    }
    for (String n : mapping.numeric()) {
      Column c = columns.get(n);
      if (c != null && c.type != ColumnType.NUMERIC) {
        double[] v;
        if (c.type == ColumnType.CATEGORICAL) {
          v = new double[rows];
          for (int i = 0; i < rows; i++) {
            String s = c.strings[i];
            Double d = s == null ? Double.valueOf(Double.NaN) : parseNumber(s);
            if (d == null) {
              throw new InvalidInputException(
                  n + "[" + i + "]", s, "a number (the mapping declares " + n + " numeric)");
            }
            v[i] = d;
          }
        } else {
          v = numeric(n);
        }
        out.put(n, new Column(ColumnType.NUMERIC, v, null));
      }
    }
    return new Table(names, out, rows);
  }

  /**
   * Parses a number as pandas reads CSV: decimal or exponent notation, and nan/inf/-inf/Infinity in
   * any case. Null when it is not a number.
   */
  public static Double parseNumber(String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      return null;
    }
    switch (t.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf":
      case "+inf":
      case "infinity":
      case "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    char last = t.charAt(t.length() - 1);
    if (!(Character.isDigit(last) || last == '.')) {
      return null; // Java accepts "1d", "1f", which pandas does not
    }
    char first = t.charAt(0);
    if (!(Character.isDigit(first) || first == '-' || first == '+' || first == '.')) {
      return null;
    }
    if (t.indexOf('x') >= 0 || t.indexOf('X') >= 0) {
      return null; // Java reads hex floats ("0x1p3"), which pandas keeps as text
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The shortest text for a number: {@code 4} for 4.0, else {@link Double#toString}. */
  public static String formatNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw new dev.mlops.NotFoundException("column '" + name + "' is not in the table " + names);
    }
    return c;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Table{rows=").append(rows).append(", columns=[");
    for (int i = 0; i < names.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(':').append(type(names.get(i)));
    }
    return sb.append("]}").toString();
  }

  /** Builds a {@link Table}; column lengths are checked at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Column> columns = new LinkedHashMap<>();

    private Builder() {}

    /** A numeric column (copied); NaN = missing. */
    public Builder numeric(String name, double[] values) {
      return put(
          name, new Column(ColumnType.NUMERIC, Objects.requireNonNull(values).clone(), null));
    }

    /** A categorical column (copied); null = missing. */
    public Builder categorical(String name, List<String> values) {
      return put(
          name,
          new Column(
              ColumnType.CATEGORICAL, null, Objects.requireNonNull(values).toArray(new String[0])));
    }

    /** A boolean column; null = missing. */
    public Builder bool(String name, List<Boolean> values) {
      String[] s = new String[values.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = values.get(i) == null ? null : values.get(i).toString();
      }
      return put(name, new Column(ColumnType.BOOLEAN, null, s));
    }

    /** A datetime column; null = missing. */
    public Builder datetime(String name, List<Instant> values) {
      double[] d = new double[values.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = values.get(i) == null ? Double.NaN : values.get(i).toEpochMilli();
      }
      return put(name, new Column(ColumnType.DATETIME, d, null));
    }

    /** A column of Java values whose type is inferred (see {@link Table}). */
    public Builder inferred(String name, List<?> values) {
      boolean allNumber = true;
      boolean allBool = true;
      boolean allTime = true;
      for (Object v : values) {
        if (v == null || (v instanceof Double && ((Double) v).isNaN())) {
          continue;
        }
        allNumber &= v instanceof Number;
        allBool &= v instanceof Boolean;
        allTime &= v instanceof TemporalAccessor || v instanceof Date;
      }
      int n = values.size();
      if (allNumber) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          Object v = values.get(i);
          d[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        return put(name, new Column(ColumnType.NUMERIC, d, null));
      }
      if (allBool) {
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
          s[i] = values.get(i) == null ? null : values.get(i).toString();
        }
        return put(name, new Column(ColumnType.BOOLEAN, null, s));
      }
      if (allTime) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = toEpochMillis(name, values.get(i));
        }
        return put(name, new Column(ColumnType.DATETIME, d, null));
      }
      String[] s = new String[n];
      for (int i = 0; i < n; i++) {
        Object v = values.get(i);
        s[i] =
            v == null || (v instanceof Double && ((Double) v).isNaN())
                ? null
                : v instanceof Number ? formatNumber(((Number) v).doubleValue()) : v.toString();
      }
      return put(name, new Column(ColumnType.CATEGORICAL, null, s));
    }

    private static double toEpochMillis(String name, Object v) {
      if (v == null) {
        return Double.NaN;
      }
      if (v instanceof Date) {
        return ((Date) v).getTime();
      }
      try {
        return Instant.from((TemporalAccessor) v).toEpochMilli();
      } catch (java.time.DateTimeException e) {
        if (v instanceof java.time.LocalDateTime) {
          return ((java.time.LocalDateTime) v).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        }
        if (v instanceof java.time.LocalDate) {
          return ((java.time.LocalDate) v)
              .atStartOfDay()
              .toInstant(java.time.ZoneOffset.UTC)
              .toEpochMilli();
        }
        throw new InvalidInputException(name, v, "an instant, a date-time or a date", e);
      }
    }

    private Builder put(String name, Column c) {
      if (name == null || name.isEmpty()) {
        throw new InvalidInputException("column", name, "a non-empty column name");
      }
      if (columns.putIfAbsent(name, c) != null) {
        throw new InvalidInputException("column", name, "unique column names");
      }
      return this;
    }

    /**
     * Builds the table.
     *
     * @throws InvalidInputException when columns differ in length
     */
    public Table build() {
      int n = columns.isEmpty() ? 0 : columns.values().iterator().next().size();
      return build(n);
    }

    private Table build(int n) {
      for (Map.Entry<String, Column> e : columns.entrySet()) {
        if (e.getValue().size() != n) {
          throw new InvalidInputException(
              e.getKey(), e.getValue().size() + " values", n + " values, like the other columns");
        }
      }
      return new Table(new ArrayList<>(columns.keySet()), new LinkedHashMap<>(columns), n);
    }
  }
}
