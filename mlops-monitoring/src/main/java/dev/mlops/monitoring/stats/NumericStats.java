package dev.mlops.monitoring.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.util.ArithmeticUtils;
import org.apache.commons.math3.util.CombinatoricsUtils;

/**
 * Two-sample statistics over sorted, finite numeric samples, defined as scipy 1.10 computes them
 * (see the reference README). Pure functions; thread-safe.
 */
public final class NumericStats {
  private NumericStats() {}

  /** scipy's limit for exact K-S p-values. */
  public static final int KS_EXACT_MAX_N = 10_000;

  // ---------------------------------------------------------------- Kolmogorov-Smirnov

  /** D = max |F_ref - F_cur| over the pooled points. */
  public static double ksStatistic(double[] a, double[] b) {
    int i = 0;
    int j = 0;
    double d = 0;
    int n1 = a.length;
    int n2 = b.length;
    while (i < n1 || j < n2) {
      double v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
      while (i < n1 && a[i] <= v) {
        i++;
      }
      while (j < n2 && b[j] <= v) {
        j++;
      }
      double diff = Math.abs(i / (double) n1 - j / (double) n2);
      if (diff > d) {
        d = diff;
      }
    }
    return d;
  }

  /**
   * scipy's {@code ks_2samp} (two-sided, method auto): exact p-value when max(n1, n2) <= 10000 (the
   * statistic is then h / lcm), else {@code kstwo.sf(D, round(n1 n2 / (n1 + n2)))} ({@link
   * Kolmogorov#sf}).
   */
  public static StatResult ks(double[] a, double[] b) {
    double d = ksStatistic(a, b);
    int n1 = a.length;
    int n2 = b.length;
    if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
      long g = ArithmeticUtils.gcd(n1, n2);
      long lcm = (n1 / g) * (long) n2;
      long h = (long) Math.rint(d * lcm);
      double dExact = h * 1.0 / lcm;
      if (h == 0) {
        return new StatResult(dExact, 1.0);
      }
      double p = n1 == n2 ? probOutsideSquare(n1, h) : probOutsideLattice(n1, n2, g, h);
      if (p >= 0 && p <= 1) {
        return new StatResult(dExact, p);
      }
    }
    double m = Math.max(n1, n2);
    double n = Math.min(n1, n2);
    double en = m * n / (m + n);
    int rounded = (int) Math.rint(en);
    return new StatResult(d, Kolmogorov.sf(rounded, d));
  }

  /** Exact two-sided p-value for equal sizes n and D = h / n. */
  static double probOutsideSquare(long n, long h) {
    double p = 0.0;
    long k = (long) Math.floor(n / (double) h);
    while (k >= 0) {
      double p1 = 1.0;
      for (long j = 0; j < h; j++) {
        p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
      }
      p = p1 * (1.0 - p);
      k--;
    }
    return 2 * p;
  }

  /**
   * Exact two-sided p-value for unequal sizes: the probability that a uniformly random lattice path
   * from (0,0) to (m,n) reaches a point with |i n - j m| >= h g.
   */
  static double probOutsideLattice(int m, int n, long g, long h) {
    long bound = h * g;
    double[] mass = new double[n + 1];
    double outside = 0;
    for (int i = 0; i <= m; i++) {
      for (int j = 0; j <= n; j++) {
        double v;
        if (i == 0 && j == 0) {
          v = 1.0;
        } else {
          v = 0;
          if (i > 0) { // step in i from (i-1, j): mass[j] still holds row i-1
            v += mass[j] * (m - (i - 1)) / (double) (m + n - (i - 1) - j);
          }
          if (j > 0) { // step in j from (i, j-1): mass[j-1] already holds row i
            v += mass[j - 1] * (n - (j - 1)) / (double) (m + n - i - (j - 1));
          }
        }
        if (Math.abs((long) i * n - (long) j * m) >= bound) {
          outside += v;
          v = 0;
        }
        mass[j] = v;
      }
    }
    return outside;
  }

  // ---------------------------------------------------------------- Wasserstein / energy

  /** W1 = ∫ |F_ref - F_cur| dx (scipy {@code wasserstein_distance}). */
  public static double wasserstein(double[] a, double[] b) {
    return cdfDistance(a, b, false);
  }

  /** Normed Wasserstein as Evidently: W1 / max(std_ref (ddof 0), 0.001). */
  public static double wassersteinNormed(double[] ref, double[] cur) {
    double norm = Math.max(Math.sqrt(Sorted.variance(ref, 0)), 0.001);
    return wasserstein(ref, cur) / norm;
  }

  /** scipy {@code energy_distance} = sqrt(2) sqrt(∫ (F_ref - F_cur)² dx). */
  public static double energyDistance(double[] a, double[] b) {
    return Math.sqrt(2) * Math.sqrt(cdfDistance(a, b, true));
  }

  /**
   * ∫ |F_a - F_b| dx (or its square) over the merged sorted samples: between consecutive merged
   * values v and next, the CDFs are i / n1 and j / n2 (the counts taken so far). The merge loop is
   * branch-free (the next value is the smaller head; equal heads take a first, so a tie adds a zero
   * width).
   */
  private static double cdfDistance(double[] a, double[] b, boolean squared) {
    int n1 = a.length;
    int n2 = b.length;
    double f1 = n1;
    double f2 = n2;
    int i = 0;
    int j = 0;
    double v;
    if (a[0] <= b[0]) {
      v = a[0];
      i = 1;
    } else {
      v = b[0];
      j = 1;
    }
    double sum = 0;
    double ci = i / f1;
    double cj = j / f2;
    while (i < n1 && j < n2) {
      double x = a[i];
      double y = b[j];
      int takeA = x <= y ? 1 : 0;
      double next = Math.min(x, y); // differs from the taken head only by the sign of a zero
      double diff = ci - cj;
      sum += (squared ? diff * diff : Math.abs(diff)) * (next - v);
      i += takeA;
      j += 1 - takeA;
      ci = i / f1;
      cj = j / f2;
      v = next;
    }
    for (; i < n1; i++) {
      double next = a[i];
      double diff = i / f1 - j / f2;
      sum += (squared ? diff * diff : Math.abs(diff)) * (next - v);
      v = next;
    }
    for (; j < n2; j++) {
      double next = b[j];
      double diff = i / f1 - j / f2;
      sum += (squared ? diff * diff : Math.abs(diff)) * (next - v);
      v = next;
    }
    return sum;
  }

  // ---------------------------------------------------------------- Anderson-Darling

  private static final double[] AD_FIT = {
    0.01819809457411147, -1.0082265644652515, -1.077770279820484
  };

  /**
   * scipy's {@code anderson_ksamp} for k = 2 (midrank): statistic T and the p-value interpolated
   * from the critical values, capped to [0.001, 0.25].
   *
   * @throws IllegalArgumentException when the pooled sample has a single distinct value or fewer
   *     than 4 values
   */
  public static StatResult anderson(double[] a, double[] b) {
    double[] z = Sorted.merge(a, b);
    int nDistinct = Sorted.distinct(z);
    if (nDistinct < 2) {
      throw new IllegalArgumentException("anderson needs more than one distinct value");
    }
    if (z.length < 4) { // the variance's denominator (N-1)(N-2)(N-3): scipy gives NaN
      throw new IllegalArgumentException("anderson needs at least 4 values in total");
    }
    int bigN = z.length;
    double[] zs = new double[nDistinct];
    double[] lj = new double[nDistinct];
    double[] bj = new double[nDistinct];
    int d = 0;
    for (int i = 0; i < bigN; ) {
      int e = i;
      while (e < bigN && z[e] == z[i]) {
        e++;
      }
      zs[d] = z[i];
      lj[d] = e - i;
      bj[d] = i + lj[d] / 2.0;
      d++;
      i = e;
    }
    double a2 = 0;
    double nn = bigN;
    for (double[] s : new double[][] {a, b}) {
      double inner = 0;
      int ns = s.length;
      int p = 0;
      for (int k = 0; k < nDistinct; k++) {
        int left = p;
        while (p < ns && s[p] <= zs[k]) {
          p++;
        }
        // p = #s <= z_k, left = #s < z_k (s sorted, zs increasing, every s value is in zs)
        double f = p - left;
        double mij = p - f / 2.0;
        double num = nn * mij - bj[k] * ns;
        inner += lj[k] / nn * num * num / (bj[k] * (nn - bj[k]) - nn * lj[k] / 4.0);
      }
      a2 += inner / ns;
    }
    a2 *= (nn - 1.0) / nn;
    double bigH = 1.0 / a.length + 1.0 / b.length;
    double hsum = 0;
    double g = 0;
    // hs_cs[i] = Σ_{t = N-1-i}^{N-1} 1/t for i = 0..N-3; g = Σ hs_cs[i] / (i + 2)
    for (int i = 0; i <= bigN - 3; i++) {
      hsum += 1.0 / (bigN - 1 - i);
      g += hsum / (i + 2);
    }
    double h = hsum + 1;
    int k = 2;
    double sa = (4 * g - 6) * (k - 1) + (10 - 6 * g) * bigH;
    double sb = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * bigH - 8 * h + 4 * g - 6;
    double sc = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * bigH + 4 * h;
    double sd = (2 * h + 6) * k * k - 4 * h * k;
    double sigmasq =
        (sa * nn * nn * nn + sb * nn * nn + sc * nn + sd) / ((nn - 1.) * (nn - 2.) * (nn - 3.));
    double t = (a2 - (k - 1)) / Math.sqrt(sigmasq);
    double pv;
    if (t < 0.325) {
      pv = 0.25;
    } else if (t > 6.546) {
      pv = 0.001;
    } else {
      pv = Math.exp((AD_FIT[0] * t + AD_FIT[1]) * t + AD_FIT[2]);
    }
    return new StatResult(t, pv);
  }

  // ---------------------------------------------------------------- Cramér-von Mises

  /**
   * scipy's {@code cramervonmises_2samp}: exact when max(n, m) <= 20, asymptotic otherwise.
   *
   * @throws IllegalArgumentException when a sample has fewer than 2 values (as scipy)
   */
  public static StatResult cramerVonMises(double[] x, double[] y) {
    int nx = x.length;
    int ny = y.length;
    if (nx < 2 || ny < 2) {
      throw new IllegalArgumentException("cramer_von_mises needs at least 2 values per sample");
    }
    double[] rx = new double[nx];
    double[] ry = new double[ny];
    averageRanks(x, y, rx, ry);
    double ux = 0;
    for (int i = 0; i < nx; i++) {
      double dd = rx[i] - (i + 1);
      ux += dd * dd;
    }
    double uy = 0;
    for (int j = 0; j < ny; j++) {
      double dd = ry[j] - (j + 1);
      uy += dd * dd;
    }
    double u = nx * ux + ny * uy;
    double k = (double) nx * ny;
    double bigN = nx + ny;
    double t = u / (k * bigN) - (4 * k - 1) / (6 * bigN);
    double p;
    if (Math.max(nx, ny) <= 20) {
      p = cvmExactP(u, nx, ny);
    } else {
      double et = (1 + 1 / bigN) / 6;
      double vt = (bigN + 1) * (4 * k * bigN - 3 * ((double) nx * nx + (double) ny * ny) - 2 * k);
      vt = vt / (45 * bigN * bigN * 4 * k);
      double tn = 1.0 / 6 + (t - et) / Math.sqrt(45 * vt);
      p = tn < 0.003 ? 1.0 : Math.max(0, 1. - cdfCvmInf(tn));
    }
    return new StatResult(t, p);
  }

  /** Average (mid) ranks of two sorted samples in the pooled sample, 1-based. */
  static void averageRanks(double[] a, double[] b, double[] ra, double[] rb) {
    int i = 0;
    int j = 0;
    int pos = 0;
    while (i < a.length || j < b.length) {
      double v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
      int i0 = i;
      int j0 = j;
      while (i < a.length && a[i] == v) {
        i++;
      }
      while (j < b.length && b[j] == v) {
        j++;
      }
      int cnt = (i - i0) + (j - j0);
      double r = pos + (cnt + 1) / 2.0;
      for (int q = i0; q < i; q++) {
        ra[q] = r;
      }
      for (int q = j0; q < j; q++) {
        rb[q] = r;
      }
      pos += cnt;
    }
  }

  /**
   * The share of the C(n+m, n) assignments of ranks 1..N whose U is >= the observed U, by dynamic
   * programming over lattice paths: a reference step at (u, v) adds nx v², a current step adds ny
   * u².
   */
  static double cvmExactP(double uObs, int nx, int ny) {
    @SuppressWarnings("unchecked")
    Map<Long, Long>[] row = new Map[ny + 1];
    Map<Long, Long>[] prev = null;
    for (int u = 0; u <= nx; u++) {
      @SuppressWarnings("unchecked")
      Map<Long, Long>[] cur = new Map[ny + 1];
      for (int v = 0; v <= ny; v++) {
        Map<Long, Long> m = new HashMap<>();
        if (u == 0 && v == 0) {
          m.put(0L, 1L);
        }
        if (u > 0) { // reference step from (u-1, v)
          long add = (long) nx * v * v;
          for (Map.Entry<Long, Long> e : prev[v].entrySet()) {
            m.merge(e.getKey() + add, e.getValue(), Long::sum);
          }
        }
        if (v > 0) { // current step from (u, v-1)
          long add = (long) ny * u * u;
          for (Map.Entry<Long, Long> e : cur[v - 1].entrySet()) {
            m.merge(e.getKey() + add, e.getValue(), Long::sum);
          }
        }
        cur[v] = m;
      }
      prev = cur;
    }
    row = prev;
    double threshold = uObs - 1e-9 * Math.max(1, Math.abs(uObs));
    long atLeast = 0;
    for (Map.Entry<Long, Long> e : row[ny].entrySet()) {
      if (e.getKey() >= threshold) {
        atLeast += e.getValue();
      }
    }
    return atLeast / (double) CombinatoricsUtils.binomialCoefficient(nx + ny, nx);
  }

  /** The limiting CDF of the Cramér-von Mises statistic (Csörgő-Faraway series). */
  static double cdfCvmInf(double x) {
    double tot = 0;
    for (int k = 0; k < 1000; k++) {
      double u =
          Math.exp(Gamma.logGamma(k + 0.5) - Gamma.logGamma(k + 1))
              / (Math.pow(Math.PI, 1.5) * Math.sqrt(x));
      double y = 4 * k + 1;
      double q = y * y / (16 * x);
      double term = u * Math.sqrt(y) * scaledBesselK14(q);
      tot += term;
      if (Math.abs(term) < 1e-7) {
        break;
      }
    }
    return tot;
  }

  /**
   * e^(-q) K_(1/4)(q) from the integral K_ν(q) = ∫_0^∞ exp(-q cosh t) cosh(ν t) dt, by composite
   * Gauss-Legendre quadrature from Commons Math (which has no modified Bessel function of the
   * second kind); the integrand is below e^-46 of its peak beyond the upper limit.
   */
  static double scaledBesselK14(double q) {
    double upper = acosh(1 + 46 / q);
    int pieces = 16;
    double sum = 0;
    for (int i = 0; i < pieces; i++) {
      GaussIntegrator g = GAUSS.legendre(20, upper * i / pieces, upper * (i + 1) / pieces);
      sum += g.integrate(t -> Math.exp(-q * (Math.cosh(t) + 1)) * Math.cosh(0.25 * t));
    }
    return sum;
  }

  private static final GaussIntegratorFactory GAUSS = new GaussIntegratorFactory();

  private static double acosh(double v) {
    return Math.log(v + Math.sqrt(v * v - 1));
  }

  // ---------------------------------------------------------------- t-test

  /**
   * Student's two-sample t-test with pooled variance (scipy {@code ttest_ind}). Two constant equal
   * samples give t = 0, p = 1.
   *
   * @throws IllegalArgumentException when a sample has fewer than 2 values (scipy: NaN, the sample
   *     variance with ddof 1 of one value is undefined)
   */
  public static StatResult tTest(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    if (n1 < 2 || n2 < 2) {
      throw new IllegalArgumentException("t_test needs at least 2 values per sample");
    }
    double v1 = Sorted.variance(a, 1);
    double v2 = Sorted.variance(b, 1);
    double df = n1 + n2 - 2.0;
    double svar = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
    double denom = Math.sqrt(svar * (1.0 / n1 + 1.0 / n2));
    double diff = Sorted.mean(a) - Sorted.mean(b);
    if (denom == 0) {
      return diff == 0
          ? new StatResult(0, 1)
          : new StatResult(Math.copySign(Double.POSITIVE_INFINITY, diff), 0);
    }
    double t = diff / denom;
    double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    return new StatResult(t, Math.min(1, p));
  }

  // ---------------------------------------------------------------- Mann-Whitney

  /**
   * scipy's {@code mannwhitneyu(reference, current, alternative="less")} as Evidently calls it:
   * statistic U1 of the reference; exact when min(n1, n2) <= 8 and there are no ties, else normal
   * approximation with tie and continuity correction.
   */
  public static StatResult mannWhitney(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    double[] ra = new double[n1];
    double[] rb = new double[n2];
    averageRanks(a, b, ra, rb);
    double r1 = 0;
    for (double r : ra) {
      r1 += r;
    }
    double u1 = r1 - n1 * (n1 + 1) / 2.0;
    double u2 = (double) n1 * n2 - u1;
    double[] pooled = Sorted.merge(a, b);
    double tieTerm = 0;
    boolean ties = false;
    for (int i = 0; i < pooled.length; ) {
      int e = i;
      while (e < pooled.length && pooled[e] == pooled[i]) {
        e++;
      }
      double t = e - i;
      if (t > 1) {
        ties = true;
        tieTerm += t * t * t - t;
      }
      i = e;
    }
    double p;
    if ((n1 <= 8 || n2 <= 8) && !ties) {
      p = mwuExactSf((long) Math.rint(u2), n1, n2);
    } else {
      double n = n1 + n2;
      double mu = n1 * (double) n2 / 2.0;
      double s = Math.sqrt(n1 * (double) n2 / 12.0 * ((n + 1) - tieTerm / (n * (n - 1))));
      double z = (u2 - mu - 0.5) / s;
      if (s == 0) {
        p = 1.0; // every value tied: U = mu, z = -0.5 / 0 = -inf, sf = 1 (as scipy)
      } else if (z > 0) {
        p = Distributions.NORMAL.cumulativeProbability(-z);
      } else {
        p = 1 - Distributions.NORMAL.cumulativeProbability(z);
      }
    }
    return new StatResult(u1, Math.max(0, Math.min(1, p)));
  }

  /**
   * P(U >= k) for the Mann-Whitney U of sizes n1, n2 without ties, from the Gaussian binomial
   * coefficient [N choose n]_q (the generating function of U).
   */
  static double mwuExactSf(long k, int n1, int n2) {
    int small = Math.min(n1, n2);
    int big = Math.max(n1, n2);
    int maxU = small * big;
    double[] c = new double[maxU + 1];
    c[0] = 1;
    int deg = 0;
    // Π_{i=1}^{small} (1 - q^(big + i)) / (1 - q^i)
    for (int i = 1; i <= small; i++) {
      int a = big + i;
      int newDeg = deg + big;
      for (int d = Math.min(newDeg + i, maxU); d >= a; d--) { // multiply by (1 - q^a)
        c[d] -= c[d - a];
      }
      for (int d = i; d <= maxU; d++) { // divide by (1 - q^i)
        c[d] += c[d - i];
      }
      deg = newDeg;
    }
    double total = 0;
    for (double v : c) {
      total += v;
    }
    // symmetry: P(U >= k) = P(U <= maxU - k)
    double acc = 0;
    for (long d = 0; d <= maxU - k; d++) {
      acc += c[(int) d];
    }
    return acc / total;
  }

  // ---------------------------------------------------------------- empirical MMD

  /** Evidently's cap is none; above this pooled size both samples are subsampled (seeded). */
  public static final int MMD_MAX_POOLED = 2000;

  /**
   * Evidently's empirical MMD with an RBF kernel (median heuristic on the reference) and a
   * permutation p-value over 100 seeded shuffles: p = share of permuted MMD >= observed.
   */
  public static StatResult empiricalMmd(double[] x, double[] y, long seed) {
    Random rnd = new Random(seed);
    if (x.length + y.length > MMD_MAX_POOLED) {
      double share = MMD_MAX_POOLED / (double) (x.length + y.length);
      x = subsample(x, Math.max(2, (int) (x.length * share)), rnd);
      y = subsample(y, Math.max(2, (int) (y.length * share)), rnd);
    }
    int nx = x.length;
    int ny = y.length;
    if (nx < 2 || ny < 2) {
      throw new IllegalArgumentException("empirical_mmd needs at least 2 values per sample");
    }
    double[] d = new double[nx * nx];
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < nx; j++) {
        double v = x[j] - x[i];
        d[i * nx + j] = v * v;
      }
    }
    int mid = (int) Math.rint(0.5 * (d.length - 1));
    java.util.Arrays.sort(d);
    double sigma = Math.sqrt(0.5 * d[mid]);
    if (sigma == 0) {
      sigma = Math.sqrt(0.5);
    }
    double gamma = 1.0 / (2.0 * sigma * sigma);
    int n = nx + ny;
    double[] all = new double[n];
    System.arraycopy(x, 0, all, 0, nx);
    System.arraycopy(y, 0, all, nx, ny);
    float[] k = new float[n * n];
    // the reported statistic is summed in double; the permutations compare in float (the same
    // rounding on both sides of observed <= permuted)
    double exx = 0;
    double eyy = 0;
    double exy = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double v = all[i] - all[j];
        double kd = Math.exp(-gamma * v * v);
        float kv = (float) kd;
        k[i * n + j] = kv;
        k[j * n + i] = kv;
        if (j < nx) {
          exx += kd;
        } else if (i >= nx) {
          eyy += kd;
        } else {
          exy += kd;
        }
      }
    }
    double statistic =
        2 * exx / ((double) nx * (nx - 1))
            + 2 * eyy / ((double) ny * (ny - 1))
            - 2.0 * exy / ((double) nx * ny);
    boolean[] isX = new boolean[n];
    for (int i = 0; i < nx; i++) {
      isX[i] = true;
    }
    double observed = mmd(k, isX, nx, ny);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    int atLeast = 0;
    int perms = 100;
    for (int p = 0; p < perms; p++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      boolean[] px = new boolean[n];
      for (int i = 0; i < nx; i++) {
        px[idx[i]] = true;
      }
      if (observed <= mmd(k, px, nx, ny)) {
        atLeast++;
      }
    }
    return new StatResult(statistic, atLeast / (double) perms);
  }

  private static double mmd(float[] k, boolean[] isX, int nx, int ny) {
    int n = isX.length;
    float[] mask = new float[n];
    for (int j = 0; j < n; j++) {
      mask[j] = isX[j] ? 1f : 0f;
    }
    // ordered-pair block sums: s_i = Σ_{j in X} K_ij (branch-free, vectorisable)
    double sxx = 0;
    double sxy = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
      int row = i * n;
      float s = 0;
      float all = 0;
      for (int j = 0; j < n; j++) {
        float v = k[row + j];
        s += v * mask[j];
        all += v;
      }
      total += all;
      if (isX[i]) {
        sxx += s;
      } else {
        sxy += s;
      }
    }
    double syy = total - sxx - 2 * sxy;
    return sxx / ((double) nx * (nx - 1))
        + syy / ((double) ny * (ny - 1))
        - 2.0 * sxy / ((double) nx * ny);
  }

  private static double[] subsample(double[] a, int size, Random rnd) {
    double[] copy = a.clone();
    for (int i = 0; i < size; i++) {
      int j = i + rnd.nextInt(copy.length - i);
      double t = copy[i];
      copy[i] = copy[j];
      copy[j] = t;
    }
    double[] out = java.util.Arrays.copyOf(copy, size);
    java.util.Arrays.sort(out);
    return out;
  }

  // ---------------------------------------------------------------- Hellinger (numeric)

  /**
   * Evidently's numeric Hellinger distance: Sturges edges over the distinct pooled values,
   * densities per sample, BC = Σ sqrt(d_ref d_cur) × mean bin width, H = sqrt(1 - clip(BC)).
   */
  public static double hellinger(double[] ref, double[] cur) {
    int distinct = Sorted.unionDistinctCount(ref, cur);
    double lo = Math.min(ref[0], cur[0]);
    double hi = Math.max(ref[ref.length - 1], cur[cur.length - 1]);
    double[] edges = Binning.sturgesEdges(lo, hi, distinct);
    double[] dr = density(Binning.histogram(ref, edges), edges);
    double[] dc = density(Binning.histogram(cur, edges), edges);
    int k = edges.length - 1;
    double w = (edges[k] - edges[0]) / k;
    double bc = 0;
    for (int i = 0; i < k; i++) {
      bc += Math.sqrt(dr[i] * dc[i]) * w;
    }
    bc = Math.min(1, Math.max(0, bc));
    return Math.sqrt(1 - bc);
  }

  private static double[] density(long[] counts, double[] edges) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] d = new double[counts.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = counts[i] / (edges[i + 1] - edges[i]) / total;
    }
    return d;
  }
}
