package dev.mlops.monitoring.internal;

import dev.mlops.monitoring.ExpectationResult;
import dev.mlops.monitoring.QualityReport;
import java.util.List;
import java.util.Locale;

/** Self-contained HTML pages (inline CSS, inline SVG, a tiny inline script; no network). */
final class Html {
  private Html() {}

  private static final String CSS =
      "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;"
          + "color:#222;max-width:1100px}"
          + "h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 6px}"
          + ".summary{display:flex;gap:16px;margin:12px 0 20px}"
          + ".card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:140px}"
          + ".card b{display:block;font-size:20px}"
          + ".drift{color:#b42318}.ok{color:#067647}.na{color:#777}"
          + "table{border-collapse:collapse;width:100%;font-size:13px}"
          + "th,td{border-bottom:1px solid #eee;padding:5px 8px;text-align:left}"
          + "th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums}"
          + ".col{border:1px solid #eee;border-radius:6px;padding:8px 12px;margin:12px 0}"
          + ".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}"
          + "svg text{font-size:10px;fill:#555}";

  static String drift(DriftReportImpl r) {
    StringBuilder sb = new StringBuilder(16_384);
    head(sb, "Drift report");
    sb.append("<h1>Data drift report</h1>\n<div class=\"summary\">");
    card(
        sb,
        "Dataset drift",
        r.datasetDrift()
            ? "<span class=\"drift\">DETECTED</span>"
            : "<span class=\"ok\">not" + " detected</span>");
    card(
        sb,
        "Drifted share",
        fmt(r.driftShare()) + " <small>(threshold " + fmt(r.shareThreshold()) + ")</small>");
    card(sb, "Drifted columns", r.driftedColumns() + " of " + r.computedColumns());
    card(sb, "Rows", r.referenceRows() + " reference / " + r.currentRows() + " current");
    sb.append("</div>\n<table id=\"columns\"><thead><tr><th>Column</th><th>Type</th>")
        .append("<th>Method</th><th>Statistic</th><th>p-value</th><th>Threshold</th>")
        .append("<th>Drift</th></tr></thead><tbody>\n");
    List<ColumnDriftImpl> sorted = r.bySeverity();
    for (ColumnDriftImpl c : sorted) {
      sb.append("<tr data-column=\"")
          .append(esc(c.column()))
          .append("\"><td><a href=\"#col-")
          .append(anchor(c.column()))
          .append("\">")
          .append(esc(c.column()))
          .append("</a></td><td>")
          .append(c.type().name().toLowerCase(Locale.ROOT))
          .append("</td><td>")
          .append(esc(c.method()))
          .append("</td><td class=\"num\">")
          .append(fmt(c.statistic()))
          .append("</td><td class=\"num\">")
          .append(fmt(c.pValue()))
          .append("</td><td class=\"num\">")
          .append(fmt(c.threshold()))
          .append("</td><td>");
      if (!c.computed()) {
        sb.append("<span class=\"na\">not computed: ")
            .append(esc(c.reasonText()))
            .append("</span>");
      } else if (c.drifted()) {
        sb.append("<span class=\"drift\">drift</span>");
      } else {
        sb.append("<span class=\"ok\">no drift</span>");
      }
      sb.append("</td></tr>\n");
    }
    sb.append("</tbody></table>\n<div class=\"legend\"><span style=\"background:#4e79a7\">")
        .append("</span>reference<span style=\"background:#f28e2b\"></span>current</div>\n");
    for (ColumnDriftImpl c : sorted) {
      sb.append("<div class=\"col\" id=\"col-")
          .append(anchor(c.column()))
          .append("\"><h2>")
          .append(esc(c.column()))
          .append(" <small class=\"")
          .append(!c.computed() ? "na" : c.drifted() ? "drift" : "ok")
          .append("\">")
          .append(esc(c.method()))
          .append(' ')
          .append(!c.computed() ? "not computed" : c.drifted() ? "drift" : "no drift")
          .append("</small></h2>\n");
      if (c.histogram().labels().isEmpty()) {
        sb.append("<p class=\"na\">").append(esc(c.reason().orElse("no data"))).append("</p>");
      } else {
        svg(sb, c.histogram());
      }
      sb.append("</div>\n");
    }
    sb.append("<script>document.body.setAttribute('data-rendered',")
        .append("String(document.querySelectorAll('#columns tbody tr').length));</script>\n");
    sb.append("</body></html>\n");
    return sb.toString();
  }

  static String quality(QualityReport q, int rows) {
    StringBuilder sb = new StringBuilder(8192);
    head(sb, "Data quality report");
    sb.append("<h1>Data quality report</h1>\n<div class=\"summary\">");
    card(
        sb,
        "Result",
        q.passed() ? "<span class=\"ok\">passed</span>" : "<span class=\"drift\">failed</span>");
    card(sb, "Failed", q.violations().size() + " of " + q.results().size());
    card(sb, "Rows", String.valueOf(rows));
    sb.append("</div>\n<table id=\"columns\"><thead><tr><th>Expectation</th><th>Column</th>")
        .append("<th>Result</th><th>Failures</th><th>Examples</th></tr></thead><tbody>\n");
    for (ExpectationResult e : q.results()) {
      sb.append("<tr data-column=\"")
          .append(esc(e.column()))
          .append("\"><td>")
          .append(esc(e.message()))
          .append("</td><td>")
          .append(esc(e.column()))
          .append("</td><td>")
          .append(
              e.passed() ? "<span class=\"ok\">pass</span>" : "<span class=\"drift\">fail</span>")
          .append("</td><td class=\"num\">")
          .append(e.failures())
          .append("</td><td>")
          .append(esc(String.join("; ", e.examples())))
          .append("</td></tr>\n");
    }
    sb.append("</tbody></table>\n<script>document.body.setAttribute('data-rendered',")
        .append("String(document.querySelectorAll('#columns tbody tr').length));</script>\n")
        .append("</body></html>\n");
    return sb.toString();
  }

  private static void head(StringBuilder sb, String title) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<link rel=\"icon\" href=\"data:,\">")
        .append("<title>")
        .append(title)
        .append("</title><style>")
        .append(CSS)
        .append("</style></head><body>\n");
  }

  private static void card(StringBuilder sb, String title, String valueHtml) {
    sb.append("<div class=\"card\">")
        .append(title)
        .append("<b>")
        .append(valueHtml)
        .append("</b></div>");
  }

  private static void svg(StringBuilder sb, Histogram h) {
    int n = h.labels().size();
    int width = 720;
    int height = 200;
    int left = 40;
    int bottom = 40;
    int top = 10;
    double max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.max(h.reference()[i], h.current()[i]));
    }
    max = max <= 0 ? 1 : max;
    double slot = (width - left - 10) / (double) n;
    double bar = Math.max(1, slot * 0.4);
    double plotH = height - bottom - top;
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(h.kind())
        .append(" histogram\">");
    sb.append("<line x1=\"")
        .append(left)
        .append("\" y1=\"")
        .append(height - bottom)
        .append("\" x2=\"")
        .append(width - 10)
        .append("\" y2=\"")
        .append(height - bottom)
        .append("\" stroke=\"#999\"/>");
    sb.append("<text x=\"2\" y=\"")
        .append(top + 8)
        .append("\">")
        .append(fmt(max * 100))
        .append("%</text>");
    for (int i = 0; i < n; i++) {
      double x = left + i * slot + slot * 0.1;
      double rh = h.reference()[i] / max * plotH;
      double ch = h.current()[i] / max * plotH;
      rect(sb, x, height - bottom - rh, bar, rh, "#4e79a7", h.labels().get(i), h.reference()[i]);
      rect(
          sb, x + bar, height - bottom - ch, bar, ch, "#f28e2b", h.labels().get(i), h.current()[i]);
      int every = Math.max(1, n / 10);
      if (i % every == 0) {
        String label = h.labels().get(i);
        if (label.length() > 12) {
          label = label.substring(0, 11) + "…";
        }
        sb.append("<text x=\"")
            .append(fmt1(x))
            .append("\" y=\"")
            .append(height - bottom + 14)
            .append("\">")
            .append(esc(label))
            .append("</text>");
      }
    }
    sb.append("</svg>\n");
  }

  private static void rect(
      StringBuilder sb,
      double x,
      double y,
      double w,
      double h,
      String color,
      String label,
      double share) {
    sb.append("<rect x=\"")
        .append(fmt1(x))
        .append("\" y=\"")
        .append(fmt1(y))
        .append("\" width=\"")
        .append(fmt1(w))
        .append("\" height=\"")
        .append(fmt1(h))
        .append("\" fill=\"")
        .append(color)
        .append("\"><title>")
        .append(esc(label))
        .append(": ")
        .append(fmt(share * 100))
        .append("%</title></rect>");
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String fmt1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String anchor(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      b.append(Character.isLetterOrDigit(ch) ? ch : '_');
    }
    return b.append('-').append(Integer.toHexString(s.hashCode())).toString();
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '&':
          b.append("&amp;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        default:
          b.append(ch);
      }
    }
    return b.toString();
  }
}
