package dev.mlops.monitoring.internal;

import dev.mlops.monitoring.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Model quality from (prediction, label) pairs. Regression (MAE, RMSE, R²) when every label is a
 * number and there are more than two distinct labels; otherwise classification: accuracy and, for
 * two classes, precision, recall, F1 of the positive class ("1", "true", else the larger label) and
 * ROC AUC (predictions in [0, 1] are scores, thresholded at 0.5); macro averages for more.
 */
final class ModelQuality {
  private ModelQuality() {}

  static Map<String, Double> compute(List<String[]> pairs) {
    Map<String, Double> out = new LinkedHashMap<>();
    List<String[]> valid = new ArrayList<>();
    for (String[] p : pairs) {
      if (p[0] != null && p[1] != null) {
        valid.add(p);
      }
    }
    if (valid.isEmpty()) {
      return out;
    }
    TreeSet<String> labels = new TreeSet<>();
    boolean numericLabels = true;
    for (String[] p : valid) {
      labels.add(p[1]);
      Double d = Table.parseNumber(p[1]);
      numericLabels &= d != null && Double.isFinite(d);
    }
    if (numericLabels && labels.size() > 2) {
      regression(valid, out);
    } else {
      classification(valid, labels, out);
    }
    out.put("labeled_rows", (double) valid.size());
    return out;
  }

  private static void regression(List<String[]> pairs, Map<String, Double> out) {
    double sumAbs = 0;
    double sumSq = 0;
    double mean = 0;
    int n = 0;
    List<double[]> xy = new ArrayList<>();
    for (String[] p : pairs) {
      Double pred = Table.parseNumber(p[0]);
      if (pred == null || !Double.isFinite(pred)) {
        continue;
      }
      double y = Table.parseNumber(p[1]);
      xy.add(new double[] {pred, y});
      mean += y;
      n++;
    }
    if (n == 0) {
      return;
    }
    mean /= n;
    double ssTot = 0;
    for (double[] v : xy) {
      double e = v[0] - v[1];
      sumAbs += Math.abs(e);
      sumSq += e * e;
      ssTot += (v[1] - mean) * (v[1] - mean);
    }
    out.put("mae", sumAbs / n);
    out.put("rmse", Math.sqrt(sumSq / n));
    out.put("r2", ssTot == 0 ? Double.NaN : 1 - sumSq / ssTot);
  }

  private static String positive(TreeSet<String> labels) {
    if (labels.contains("1")) {
      return "1";
    }
    if (labels.contains("true")) {
      return "true";
    }
    return labels.last();
  }

  private static void classification(
      List<String[]> pairs, TreeSet<String> labels, Map<String, Double> out) {
    boolean binary = labels.size() <= 2;
    String pos = positive(labels);
    String neg = labels.size() == 2 ? labels.first() : pos.equals("1") ? "0" : "false";
    List<String> predicted = new ArrayList<>();
    List<double[]> scored = new ArrayList<>(); // score, isPositive
    boolean allScores = binary;
    for (String[] p : pairs) {
      Double d = Table.parseNumber(p[0]);
      allScores &= d != null && d >= 0 && d <= 1 && !labels.contains(p[0]);
    }
    for (String[] p : pairs) {
      String cls = p[0];
      double score;
      if (allScores) {
        score = Table.parseNumber(p[0]);
        cls = score >= 0.5 ? pos : neg;
      } else {
        score = cls.equals(pos) ? 1 : 0;
      }
      predicted.add(cls);
      scored.add(new double[] {score, p[1].equals(pos) ? 1 : 0});
    }
    int correct = 0;
    for (int i = 0; i < pairs.size(); i++) {
      if (predicted.get(i).equals(pairs.get(i)[1])) {
        correct++;
      }
    }
    out.put("accuracy", correct / (double) pairs.size());
    if (binary) {
      double[] prf = prf(pairs, predicted, pos);
      out.put("precision", prf[0]);
      out.put("recall", prf[1]);
      out.put("f1", prf[2]);
      out.put("roc_auc", auc(scored));
    } else {
      double p = 0;
      double r = 0;
      double f = 0;
      for (String c : labels) {
        double[] prf = prf(pairs, predicted, c);
        p += prf[0];
        r += prf[1];
        f += prf[2];
      }
      out.put("precision", p / labels.size());
      out.put("recall", r / labels.size());
      out.put("f1", f / labels.size());
    }
  }

  private static double[] prf(List<String[]> pairs, List<String> predicted, String c) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int i = 0; i < pairs.size(); i++) {
      boolean isC = pairs.get(i)[1].equals(c);
      boolean predC = predicted.get(i).equals(c);
      if (isC && predC) {
        tp++;
      } else if (predC) {
        fp++;
      } else if (isC) {
        fn++;
      }
    }
    double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new double[] {precision, recall, f1};
  }

  /** ROC AUC as the Mann-Whitney probability P(score+ > score-) + ½ P(tie); NaN for one class. */
  private static double auc(List<double[]> scored) {
    double pos = 0;
    double neg = 0;
    for (double[] s : scored) {
      if (s[1] == 1) {
        pos++;
      } else {
        neg++;
      }
    }
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    double[][] arr = scored.toArray(new double[0][]);
    java.util.Arrays.sort(arr, (a, b) -> Double.compare(a[0], b[0]));
    double rankSumPos = 0;
    for (int i = 0; i < arr.length; ) {
      int e = i;
      while (e < arr.length && arr[e][0] == arr[i][0]) {
        e++;
      }
      double rank = (i + 1 + e) / 2.0;
      for (int k = i; k < e; k++) {
        if (arr[k][1] == 1) {
          rankSumPos += rank;
        }
      }
      i = e;
    }
    return (rankSumPos - pos * (pos + 1) / 2) / (pos * neg);
  }
}
