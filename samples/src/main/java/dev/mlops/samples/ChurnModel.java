package dev.mlops.samples;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A logistic regression for churn, trained by full-batch gradient descent with L2 regularization on
 * standardized features (tenure, charges, support calls, age, and one-hot contract). Small on
 * purpose: the demo is about the lifecycle around the model. Immutable once trained; thread-safe.
 */
public final class ChurnModel {
  static final int FEATURES = 6;

  private final double[] mean;
  private final double[] sd;
  private final double[] weights;
  private final double bias;

  private ChurnModel(double[] mean, double[] sd, double[] weights, double bias) {
    this.mean = mean;
    this.sd = sd;
    this.weights = weights;
    this.bias = bias;
  }

  static double[] raw(Customer c) {
    return new double[] {
      c.tenure_months(),
      c.monthly_charges(),
      c.support_calls(),
      c.age(),
      "month-to-month".equals(c.contract()) ? 1 : 0,
      "one-year".equals(c.contract()) ? 1 : 0
    };
  }

  /** Trains on {@code rows} with learning rate {@code lr} and L2 strength {@code l2}. */
  public static ChurnModel train(List<Customer> rows, double lr, double l2, int epochs) {
    int n = rows.size();
    double[][] x = new double[n][];
    double[] mean = new double[FEATURES];
    double[] sd = new double[FEATURES];
    for (int i = 0; i < n; i++) {
      x[i] = raw(rows.get(i));
      for (int j = 0; j < FEATURES; j++) {
        mean[j] += x[i][j] / n;
      }
    }
    for (double[] row : x) {
      for (int j = 0; j < FEATURES; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
      }
    }
    for (int j = 0; j < FEATURES; j++) {
      sd[j] = sd[j] > 0 ? Math.sqrt(sd[j]) : 1;
    }
    for (double[] row : x) {
      for (int j = 0; j < FEATURES; j++) {
        row[j] = (row[j] - mean[j]) / sd[j];
      }
    }
    double[] w = new double[FEATURES];
    double b = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      double[] gw = new double[FEATURES];
      double gb = 0;
      for (int i = 0; i < n; i++) {
        double err = sigmoid(dot(w, x[i]) + b) - rows.get(i).churned();
        for (int j = 0; j < FEATURES; j++) {
          gw[j] += err * x[i][j] / n;
        }
        gb += err / n;
      }
      for (int j = 0; j < FEATURES; j++) {
        w[j] -= lr * (gw[j] + l2 * w[j]);
      }
      b -= lr * gb;
    }
    return new ChurnModel(mean, sd, w, b);
  }

  /** The churn probability of a customer. */
  public double probability(Customer c) {
    double[] r = raw(c);
    double z = bias;
    for (int j = 0; j < FEATURES; j++) {
      z += weights[j] * (r[j] - mean[j]) / sd[j];
    }
    return sigmoid(z);
  }

  /** Log loss on labelled rows. */
  public double logLoss(List<Customer> rows) {
    double sum = 0;
    for (Customer c : rows) {
      double p = Math.min(1 - 1e-12, Math.max(1e-12, probability(c)));
      sum -= c.churned() == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / rows.size();
  }

  /** Accuracy at threshold 0.5 on labelled rows. */
  public double accuracy(List<Customer> rows) {
    long right = rows.stream().filter(c -> (probability(c) >= 0.5 ? 1 : 0) == c.churned()).count();
    return (double) right / rows.size();
  }

  /**
   * Saves the model as a small properties file (no Java serialization). The bytes depend on the
   * weights only (no date comment, as {@code Properties.store} would write), so that the pipeline
   * that trains it is reproducible.
   */
  public void save(Path file) throws IOException {
    Map<String, String> p = new TreeMap<>();
    for (int j = 0; j < FEATURES; j++) {
      p.put("mean." + j, Double.toString(mean[j]));
      p.put("sd." + j, Double.toString(sd[j]));
      p.put("w." + j, Double.toString(weights[j]));
    }
    p.put("bias", Double.toString(bias));
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("# churn logistic regression\n");
      for (Map.Entry<String, String> e : p.entrySet()) {
        w.write(e.getKey() + "=" + e.getValue() + "\n");
      }
    }
  }

  /** Loads a model saved by {@link #save}. */
  public static ChurnModel load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    double[] mean = new double[FEATURES];
    double[] sd = new double[FEATURES];
    double[] w = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      mean[j] = Double.parseDouble(p.getProperty("mean." + j));
      sd[j] = Double.parseDouble(p.getProperty("sd." + j));
      w[j] = Double.parseDouble(p.getProperty("w." + j));
    }
    return new ChurnModel(mean, sd, w, Double.parseDouble(p.getProperty("bias")));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ChurnModel{bias=%.3f}", bias);
  }
}
