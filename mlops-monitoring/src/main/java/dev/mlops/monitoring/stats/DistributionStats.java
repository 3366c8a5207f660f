package dev.mlops.monitoring.stats;

import org.apache.commons.math3.special.Gamma;

/**
 * Statistics over two binned samples (Evidently's PSI, KL, Jensen-Shannon, chi-square, TVD,
 * Hellinger for categories, Z-test). Pure functions; thread-safe.
 */
public final class DistributionStats {
  private DistributionStats() {}

  /** PSI = Σ (r - c) ln(r / c) over epsilon-filled shares (not renormalised). */
  public static double psi(Binned b) {
    double[] r = Binning.fillZeros(b.refPercents());
    double[] c = Binning.fillZeros(b.curPercents());
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      s += (r[i] - c[i]) * Math.log(r[i] / c[i]);
    }
    return s;
  }

  /** KL(reference || current) over epsilon-filled shares renormalised to sum 1. */
  public static double klDiv(Binned b) {
    double[] p = normalise(Binning.fillZeros(b.refPercents()));
    double[] q = normalise(Binning.fillZeros(b.curPercents()));
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += relEntr(p[i], q[i]);
    }
    return s;
  }

  /** Jensen-Shannon distance (natural log) over unfilled shares, renormalised. */
  public static double jensenShannon(Binned b) {
    double[] p = normalise(b.refPercents());
    double[] q = normalise(b.curPercents());
    double left = 0;
    double right = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2.0;
      left += relEntr(p[i], m);
      right += relEntr(q[i], m);
    }
    double js = left + right;
    return Math.sqrt(js / 2.0);
  }

  /** Total variation distance = ½ Σ |r - c| over unfilled shares. */
  public static double tvd(Binned b) {
    double[] r = b.refPercents();
    double[] c = b.curPercents();
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      s += Math.abs(r[i] - c[i]);
    }
    return 0.5 * s;
  }

  /** TVD from raw counts (used by the permutation test). */
  static double tvd(long[] rc, long[] cc, long nRef, long nCur) {
    double s = 0;
    for (int i = 0; i < rc.length; i++) {
      s += Math.abs(rc[i] / (double) nRef - cc[i] / (double) nCur);
    }
    return 0.5 * s;
  }

  /**
   * Evidently's chi-square: observed = current counts, expected = reference counts × (n_cur /
   * n_ref), over bins non-empty in at least one sample; df = bins - 1; +∞ and p = 0 when a bin is
   * new in current. With a single bin there is nothing to compare: statistic 0, p = 1.
   */
  public static StatResult chiSquare(Binned b) {
    double kNorm = b.nCur() / (double) b.nRef();
    double stat = 0;
    int k = 0;
    for (int i = 0; i < b.size(); i++) {
      long o = b.curCounts()[i];
      long r = b.refCounts()[i];
      if (o == 0 && r == 0) {
        continue;
      }
      k++;
      double e = r * kNorm;
      double d = o - e;
      stat += e == 0 ? Double.POSITIVE_INFINITY : d * d / e;
    }
    if (k < 2) {
      return new StatResult(0, 1);
    }
    double p = Double.isInfinite(stat) ? 0 : Gamma.regularizedGammaQ((k - 1) / 2.0, stat / 2.0);
    return new StatResult(stat, p);
  }

  /** Hellinger distance between category shares: sqrt(1 - clip(Σ sqrt(r c), 0, 1)). */
  public static double hellingerCategorical(Binned b) {
    double[] r = b.refPercents();
    double[] c = b.curPercents();
    double bc = 0;
    for (int i = 0; i < r.length; i++) {
      bc += Math.sqrt(r[i] * c[i]);
    }
    bc = Math.min(1, Math.max(0, bc));
    return Math.sqrt(1 - bc);
  }

  /**
   * Two-proportion Z-test over a binary column: 0 = the smallest key, 1 = the other; p = 2(1 -
   * Φ(|z|)). Identical constant samples give z = 0, p = 1.
   *
   * @throws IllegalArgumentException with more than two bins
   */
  public static StatResult zTest(Binned b) {
    if (b.size() > 2) {
      throw new IllegalArgumentException("z needs at most 2 distinct values, got " + b.size());
    }
    long onesRef = b.size() == 2 ? b.refCounts()[1] : 0;
    long onesCur = b.size() == 2 ? b.curCounts()[1] : 0;
    double pRef = onesRef / (double) b.nRef();
    double pCur = onesCur / (double) b.nCur();
    double pooled = (pRef * b.nRef() + pCur * b.nCur()) / (b.nRef() + b.nCur());
    double var = pooled * (1 - pooled) * (1.0 / b.nRef() + 1.0 / b.nCur());
    if (var == 0) {
      return new StatResult(0, 1);
    }
    double z = (pRef - pCur) / Math.sqrt(var);
    double p = 2 * (1 - Distributions.NORMAL.cumulativeProbability(Math.abs(z)));
    return new StatResult(z, p);
  }

  /**
   * Fisher's exact test (two-sided) on [[ones_cur, zeros_cur], [ones_ref, zeros_ref]]: the sum of
   * hypergeometric probabilities not above the observed one × (1 + 1e-14). Statistic = the odds
   * ratio.
   */
  public static StatResult fisherExact(long a, long bb, long c, long d) {
    double odds = c > 0 && bb > 0 ? (double) a * d / ((double) c * bb) : Double.POSITIVE_INFINITY;
    long n1 = a + bb;
    long n2 = c + d;
    long n = a + c;
    if (n1 + n2 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("fisher_exact supports up to 2^31 rows");
    }
    org.apache.commons.math3.distribution.HypergeometricDistribution h =
        new org.apache.commons.math3.distribution.HypergeometricDistribution(
            null, (int) (n1 + n2), (int) n1, (int) n);
    int lo = h.getSupportLowerBound();
    int hi = h.getSupportUpperBound();
    double pExact = h.probability((int) a);
    int mode = (int) ((n + 1) * (double) (n1 + 1) / (n1 + n2 + 2));
    double pMode = h.probability(mode);
    if (Math.abs(pExact - pMode) / Math.max(pExact, pMode) <= 1e-14) {
      return new StatResult(odds, 1.0); // the observed table is the most likely one (as scipy)
    }
    double limit = pExact * (1 + 1e-14);
    double p = 0;
    int i = lo;
    int j = hi;
    // sum from both tails inwards so that small terms are added first
    while (i <= j) {
      double pi = h.probability(i);
      if (pi <= limit) {
        p += pi;
        i++;
        continue;
      }
      double pj = h.probability(j);
      if (pj <= limit) {
        p += pj;
        j--;
        continue;
      }
      break;
    }
    return new StatResult(odds, Math.min(1.0, p));
  }

  private static double[] normalise(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] / s;
    }
    return out;
  }

  private static double relEntr(double x, double y) {
    if (x > 0 && y > 0) {
      return x * Math.log(x / y);
    }
    if (x == 0 && y >= 0) {
      return 0;
    }
    return Double.POSITIVE_INFINITY;
  }
}
