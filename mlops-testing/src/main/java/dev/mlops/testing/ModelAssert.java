package dev.mlops.testing;

import dev.mlops.monitoring.Table;
import dev.mlops.serving.BatchPredictor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Quality assertions on a model over a labelled table; start with {@link
 * MlopsAssertions#assertThatModel(BatchPredictor)}. The predictor gets each row (without the label
 * column) as a map from column name to value (Double, String, Boolean or null); it may answer a
 * number, a string, a boolean, or a map holding one of those under {@code "prediction"}. Not
 * thread-safe: use from one thread.
 */
public final class ModelAssert {
  private final BatchPredictor<Map<String, Object>, ?> predictor;

  ModelAssert(BatchPredictor<Map<String, Object>, ?> predictor) {
    this.predictor = Objects.requireNonNull(predictor, "predictor");
  }

  /** Predicts every row of {@code table} and compares with its {@code labelColumn}. */
  public Evaluation on(Table table, String labelColumn) {
    if (!table.hasColumn(labelColumn)) {
      throw new AssertionFailedError(
          "the table has no label column '" + labelColumn + "'; columns: " + table.columnNames());
    }
    List<Map<String, Object>> inputs = new ArrayList<>(table.rowCount());
    List<Object> labels = new ArrayList<>(table.rowCount());
    for (int r = 0; r < table.rowCount(); r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (String c : table.columnNames()) {
        if (!c.equals(labelColumn)) {
          row.put(c, table.value(r, c));
        }
      }
      inputs.add(row);
      labels.add(table.value(r, labelColumn));
    }
    List<?> outputs;
    try {
      outputs = predictor.predict(inputs);
    } catch (Exception e) {
      throw new AssertionFailedError("the model failed to predict: " + e, e);
    }
    if (outputs == null || outputs.size() != inputs.size()) {
      throw new AssertionFailedError(
          "the model answered "
              + (outputs == null ? "null" : outputs.size() + " predictions")
              + " for "
              + inputs.size()
              + " rows");
    }
    List<Object> predictions = new ArrayList<>(outputs.size());
    for (Object o : outputs) {
      predictions.add(o instanceof Map ? ((Map<?, ?>) o).get("prediction") : o);
    }
    return new Evaluation(labels, predictions);
  }

  /** Predictions next to labels, with bounds on their agreement. */
  public static final class Evaluation {
    private static final int EXAMPLES = 5;
    private final List<Object> labels;
    private final List<Object> predictions;

    Evaluation(List<Object> labels, List<Object> predictions) {
      this.labels = labels;
      this.predictions = predictions;
    }

    /** Share of rows whose prediction equals the label (numbers compared by value). */
    public double accuracy() {
      int right = 0;
      for (int i = 0; i < labels.size(); i++) {
        if (same(labels.get(i), predictions.get(i))) {
          right++;
        }
      }
      return labels.isEmpty() ? Double.NaN : (double) right / labels.size();
    }

    /** Root mean squared error of numeric predictions. */
    public double rmse() {
      double sum = 0;
      for (int i = 0; i < labels.size(); i++) {
        double d = number(predictions.get(i), i) - number(labels.get(i), i);
        sum += d * d;
      }
      return Math.sqrt(sum / labels.size());
    }

    /** Mean absolute error of numeric predictions. */
    public double mae() {
      double sum = 0;
      for (int i = 0; i < labels.size(); i++) {
        sum += Math.abs(number(predictions.get(i), i) - number(labels.get(i), i));
      }
      return sum / labels.size();
    }

    /** Accuracy is at least {@code min}; the failure lists the first wrong rows. */
    public Evaluation hasAccuracyAtLeast(double min) {
      double a = accuracy();
      if (!(a >= min)) {
        List<String> wrong = new ArrayList<>();
        int right = 0;
        for (int i = 0; i < labels.size(); i++) {
          if (same(labels.get(i), predictions.get(i))) {
            right++;
          } else if (wrong.size() < EXAMPLES) {
            wrong.add(row(i));
          }
        }
        throw new AssertionFailedError(
            String.format(
                    Locale.ROOT,
                    "accuracy is %.4f (%d of %d rows right), expected at least %.4f",
                    a,
                    right,
                    labels.size(),
                    min)
                + (wrong.isEmpty() ? "" : "; wrong rows: " + String.join(", ", wrong)));
      }
      return this;
    }

    /** Up to {@link #EXAMPLES} rows with the largest absolute errors, largest first. */
    private String largestErrors() {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        rows.add(i);
      }
      rows.sort(
          (x, y) ->
              Double.compare(
                  Math.abs(number(predictions.get(y), y) - number(labels.get(y), y)),
                  Math.abs(number(predictions.get(x), x) - number(labels.get(x), x))));
      List<String> out = new ArrayList<>();
      for (int i = 0; i < Math.min(EXAMPLES, rows.size()); i++) {
        out.add(row(rows.get(i)));
      }
      return out.isEmpty() ? "" : "; largest errors: " + String.join(", ", out);
    }

    private String row(int i) {
      return "row "
          + i
          + " (predicted "
          + show(predictions.get(i))
          + ", label "
          + show(labels.get(i))
          + ")";
    }

    private static String show(Object o) {
      return o instanceof Double ? Table.formatNumber((Double) o) : String.valueOf(o);
    }

    /** RMSE is at most {@code max}. */
    public Evaluation hasRmseAtMost(double max) {
      double e = rmse();
      if (!(e <= max)) {
        throw new AssertionFailedError(
            String.format(
                    Locale.ROOT,
                    "RMSE is %.6g over %d rows, expected at most %.6g",
                    e,
                    labels.size(),
                    max)
                + largestErrors());
      }
      return this;
    }

    /** MAE is at most {@code max}. */
    public Evaluation hasMaeAtMost(double max) {
      double e = mae();
      if (!(e <= max)) {
        throw new AssertionFailedError(
            String.format(
                    Locale.ROOT,
                    "MAE is %.6g over %d rows, expected at most %.6g",
                    e,
                    labels.size(),
                    max)
                + largestErrors());
      }
      return this;
    }

    private static boolean same(Object label, Object prediction) {
      if (label instanceof Number && prediction instanceof Number) {
        return ((Number) label).doubleValue() == ((Number) prediction).doubleValue();
      }
      if (label instanceof Boolean && prediction instanceof Number) {
        return ((Boolean) label ? 1.0 : 0.0) == ((Number) prediction).doubleValue();
      }
      if (label instanceof Number && prediction instanceof Boolean) {
        return ((Boolean) prediction ? 1.0 : 0.0) == ((Number) label).doubleValue();
      }
      return label != null
          && prediction != null
          && String.valueOf(label).equals(String.valueOf(prediction));
    }

    private static double number(Object o, int row) {
      if (o instanceof Number) {
        return ((Number) o).doubleValue();
      }
      if (o instanceof Boolean) {
        return (Boolean) o ? 1 : 0;
      }
      throw new AssertionFailedError("row " + row + ": '" + o + "' is not a number");
    }
  }
}
