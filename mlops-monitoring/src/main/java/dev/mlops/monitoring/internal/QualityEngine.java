package dev.mlops.monitoring.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.monitoring.ColumnType;
import dev.mlops.monitoring.ExpectationResult;
import dev.mlops.monitoring.Expectations;
import dev.mlops.monitoring.Expectations.Expectation;
import dev.mlops.monitoring.QualityReport;
import dev.mlops.monitoring.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks {@link Expectations} against a table. Thread-safe. */
public final class QualityEngine {
  private static final int EXAMPLES = 5;

  private QualityEngine() {}

  /** Checks every expectation. */
  public static QualityReport check(Table t, Expectations expectations) {
    List<ExpectationResult> results = new ArrayList<>();
    for (Expectation e : expectations.list()) {
      results.add(check(t, e));
    }
    return new Impl(results, t.rowCount());
  }

  private static ExpectationResult check(Table t, Expectation e) {
    if (e.kind().equals("row_count")) {
      long rows = t.rowCount();
      boolean ok = rows >= e.min() && rows <= e.max();
      return new ExpectationResult(
          "row_count",
          "",
          ok,
          ok ? 0 : 1,
          ok ? List.of() : List.of("rows: " + rows),
          String.format(
              Locale.ROOT, "row count in [%d, %d] (got %d)", (long) e.min(), (long) e.max(), rows));
    }
    String col = e.column();
    if (!t.hasColumn(col)) {
      return new ExpectationResult(
          e.kind(),
          col,
          false,
          1,
          List.of("column missing"),
          e.kind() + ": column " + col + " is not in the table");
    }
    int n = t.rowCount();
    List<String> examples = new ArrayList<>();
    long failures = 0;
    String message;
    switch (e.kind()) {
      case "not_null":
        {
          for (int i = 0; i < n; i++) {
            if (t.value(i, col) == null) {
              failures++;
              example(examples, i, "null");
            }
          }
          message = col + " has no missing values";
          break;
        }
      case "range":
        {
          if (t.type(col) != ColumnType.NUMERIC) {
            return new ExpectationResult(
                "range",
                col,
                false,
                1,
                List.of("type " + t.type(col)),
                "range: " + col + " is not numeric");
          }
          double[] v = t.numeric(col);
          for (int i = 0; i < n; i++) {
            if (!Double.isNaN(v[i]) && (v[i] < e.min() || v[i] > e.max())) {
              failures++;
              example(examples, i, Table.formatNumber(v[i]));
            }
          }
          message =
              col
                  + " in ["
                  + Table.formatNumber(e.min())
                  + ", "
                  + Table.formatNumber(e.max())
                  + "]";
          break;
        }
      case "allowed_values":
        {
          List<String> s = t.strings(col);
          for (int i = 0; i < n; i++) {
            String v = s.get(i);
            if (v != null && !e.allowed().contains(v)) {
              failures++;
              example(examples, i, v);
            }
          }
          message = col + " in " + new java.util.TreeSet<>(e.allowed());
          break;
        }
      case "regex":
        {
          Pattern p = Pattern.compile(e.pattern());
          List<String> s = t.strings(col);
          for (int i = 0; i < n; i++) {
            String v = s.get(i);
            if (v != null && !p.matcher(v).matches()) {
              failures++;
              example(examples, i, v);
            }
          }
          message = col + " matches /" + e.pattern() + "/";
          break;
        }
      default: // unique
        {
          List<String> s = t.strings(col);
          Map<String, Integer> first = new HashMap<>();
          for (int i = 0; i < n; i++) {
            String v = s.get(i);
            if (v == null) {
              continue;
            }
            Integer prev = first.putIfAbsent(v, i);
            if (prev != null) {
              failures++;
              example(examples, i, v + " (first at row " + prev + ")");
            }
          }
          message = col + " values are unique";
          break;
        }
    }
    return new ExpectationResult(
        e.kind(),
        col,
        failures == 0,
        failures,
        examples,
        message + (failures == 0 ? "" : " (" + failures + " violations)"));
  }

  private static void example(List<String> examples, int row, String value) {
    if (examples.size() < EXAMPLES) {
      examples.add("row " + row + ": " + value);
    }
  }

  private static final class Impl implements QualityReport {
    private final List<ExpectationResult> results;
    private final int rows;

    Impl(List<ExpectationResult> results, int rows) {
      this.results = List.copyOf(results);
      this.rows = rows;
    }

    @Override
    public List<ExpectationResult> results() {
      return results;
    }

    @Override
    public String toJson() {
      ObjectNode root = Json.object();
      root.put("schema", "mlops.monitoring.quality/v1");
      root.put("passed", passed());
      root.put("rows", rows);
      ArrayNode arr = root.putArray("expectations");
      for (ExpectationResult r : results) {
        ObjectNode o = arr.addObject();
        o.put("expectation", r.expectation());
        o.put("column", r.column());
        o.put("passed", r.passed());
        o.put("failures", r.failures());
        ArrayNode ex = o.putArray("examples");
        r.examples().forEach(ex::add);
        o.put("message", r.message());
      }
      return Json.write(root);
    }

    @Override
    public void writeHtml(Path file) {
      Files2.writeAtomic(file, Html.quality(this, rows));
    }

    @Override
    public String toString() {
      return "QualityReport{passed=" + passed() + ", failed=" + violations().size() + "}";
    }
  }
}
