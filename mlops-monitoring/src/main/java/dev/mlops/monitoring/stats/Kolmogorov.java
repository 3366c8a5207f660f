package dev.mlops.monitoring.stats;

/**
 * The survival function of the two-sided one-sample Kolmogorov-Smirnov statistic D_n, as scipy's
 * {@code kstwo.sf(x, n)} computes it (Simard and L'Ecuyer 2011: Ruben-Gambino near the ends, 2 ×
 * the exact one-sided Smirnov tail, the Durbin matrix (Marsaglia-Tsang-Wang), the Pomeranz
 * recursion or the Pelz-Good expansion, chosen by n and n·x²). {@code ks_2samp} uses it for samples
 * above 10,000 values; Commons Math's {@code 1 - cdf} loses every digit below ~1e-12 and uses
 * Pelz-Good where scipy is exact. Pure functions; thread-safe.
 */
public final class Kolmogorov {
  private Kolmogorov() {}

  private static final int E128 = 128;
  private static final double EP128 = Math.scalb(1.0, E128);
  private static final double EM128 = Math.scalb(1.0, -E128);

  /** P(D_n > x). */
  public static double sf(int n, double x) {
    if (n <= 0 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    double t = n * x;
    if (t <= 1.0) {
      if (t <= 0.5) {
        return 1.0;
      }
      double cdf;
      if (n <= 140) {
        cdf = 1.0;
        for (int i = 1; i <= n; i++) {
          cdf *= i * (1.0 / n) * (2 * t - 1);
        }
      } else {
        cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
      }
      return clip(1.0 - cdf);
    }
    if (t >= n - 1) {
      return clip(2 * Math.pow(1.0 - x, n));
    }
    if (x >= 0.5) {
      return clip(2 * smirnov(n, x));
    }
    double nxx = t * x;
    if (n <= 140) {
      if (nxx <= 0.754693) {
        return clip(1.0 - durbinMatrixCdf(n, x));
      }
      if (nxx <= 4) {
        return clip(1.0 - pomeranzCdf(n, x));
      }
      return clip(2 * smirnov(n, x));
    }
    if (nxx >= 370.0) {
      return 0.0;
    }
    if (nxx >= 2.2) {
      return clip(2 * smirnov(n, x));
    }
    double cdf;
    if (nxx >= 18.0) {
      cdf = 1.0;
    } else if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) {
      cdf = durbinMatrixCdf(n, x);
    } else {
      cdf = pelzGoodCdf(n, x);
    }
    return clip(1.0 - cdf);
  }

  private static double clip(double p) {
    return Math.max(0.0, Math.min(1.0, p));
  }

  /** log(n! / n^n) by Stirling's series (n > 140). */
  private static double logFactorialOverPower(int n) {
    double[] c = {
      -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
      8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
      -2.7777777777777777778e-3, 8.3333333333333333333e-2
    };
    double rn = 1.0 / n;
    double z = rn / n;
    double poly = 0;
    for (double ci : c) {
      poly = poly * z + ci;
    }
    return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
  }

  /**
   * The exact one-sided tail P(D+_n >= x) = x Σ_{j=0}^{⌊n(1-x)⌋} C(n,j) (x + j/n)^(j-1) (1 - x -
   * j/n)^(n-j) (Birnbaum and Tingey), summed in log space.
   */
  static double smirnov(int n, double x) {
    if (x <= 0) {
      return 1.0;
    }
    if (x >= 1) {
      return 0.0;
    }
    int last = (int) Math.floor(n * (1.0 - x));
    // log C(n, j), accumulated with Kahan compensation: for small x the largest terms sit near
    // j = n/2, where a plain running sum of ~n/2 logarithms has lost ~1e-9 relative
    double logC = 0;
    double comp = 0;
    double sum = 0;
    for (int j = 0; j <= last; j++) {
      double a = x + j / (double) n;
      if (a < 1) {
        double lt = logC + (j - 1) * Math.log(a) + (n - j) * Math.log1p(-a);
        sum += Math.exp(lt);
      }
      double y = Math.log((double) (n - j) / (j + 1)) - comp;
      double t = logC + y;
      comp = (t - logC) - y;
      logC = t;
    }
    return x * sum;
  }

  /** P(D_n <= d) by the Durbin matrix H^n (Marsaglia, Tsang and Wang 2003), with scaling. */
  static double durbinMatrixCdf(int n, double d) {
    if (d >= 1.0) {
      return 1.0;
    }
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] = (1.0 - Math.pow(h, j)) * fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    double[][] hm = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        hm[r][i] = w[r - (i - 1)];
      }
    }
    for (int r = 0; r < m; r++) {
      hm[r][0] = v[r];
    }
    for (int c = 0; c < m; c++) {
      hm[m - 1][c] = v[m - 1 - c];
    }
    double[][] pw = new double[m][m];
    for (int i = 0; i < m; i++) {
      pw[i][i] = 1.0;
    }
    int nn = n;
    int expnt = 0;
    int hExpnt = 0;
    while (nn > 0) {
      if (nn % 2 == 1) {
        pw = multiply(pw, hm);
        expnt += hExpnt;
      }
      hm = multiply(hm, hm);
      hExpnt *= 2;
      if (Math.abs(hm[k - 1][k - 1]) > EP128) {
        for (double[] row : hm) {
          for (int c = 0; c < m; c++) {
            row[c] /= EP128;
          }
        }
        hExpnt += E128;
      }
      nn /= 2;
    }
    double p = pw[k - 1][k - 1];
    for (int i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= EP128;
        expnt -= E128;
      }
    }
    return clip(expnt != 0 ? Math.scalb(p, expnt) : p);
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] out = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] oi = out[i];
      for (int l = 0; l < m; l++) {
        double ail = a[i][l];
        if (ail == 0) {
          continue;
        }
        double[] bl = b[l];
        for (int j = 0; j < m; j++) {
          oi[j] += ail * bl[j];
        }
      }
    }
    return out;
  }

  /** P(D_n <= x) by the Pomeranz (1974) recursion, two rows at a time, with scaling. */
  static double pomeranzCdf(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = t - ll;
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gp = new double[npwrs];
    double[] twoGp = new double[npwrs];
    double[] oneMinusTwoGp = new double[npwrs];
    gp[0] = 1.0;
    twoGp[0] = 1.0;
    oneMinusTwoGp[0] = 1.0;
    double g1 = g / n;
    double g2 = 2 * g / n;
    double g3 = (1 - 2 * g) / n;
    for (int m = 1; m < npwrs; m++) {
      gp[m] = gp[m - 1] * g1 / m;
      twoGp[m] = twoGp[m - 1] * g2 / m;
      oneMinusTwoGp[m] = oneMinusTwoGp[m - 1] * g3 / m;
    }
    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int expnt = 0;
    int[] jj = pomeranzBounds(0, n, ll, ceilf, roundf);
    int j1 = jj[0];
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j1;
      double[] tmp = v0;
      v0 = v1;
      v1 = tmp;
      int ts = v0s;
      v0s = v1s;
      v1s = ts;
      java.util.Arrays.fill(v1, 0.0);
      jj = pomeranzBounds(i, n, ll, ceilf, roundf);
      j1 = jj[0];
      int j2 = jj[1];
      double[] pwrs = i == 1 || i == 2 * n + 1 ? gp : (i % 2 == 1 ? twoGp : oneMinusTwoGp);
      int ln2 = j2 - k1 + 1;
      if (ln2 > 0) {
        int convStart = j1 - k1;
        int convLen = j2 - j1 + 1;
        int base = k1 - v0s;
        int lenA = Math.min(ln2, npwrs - base); // the row slice, cut at the row's end
        int lenB = Math.min(ln2, npwrs);
        double max = 0;
        for (int q = 0; q < convLen; q++) {
          int idx = convStart + q; // entry idx of the full convolution of the two slices
          double s = 0;
          for (int a = Math.max(0, idx - (lenB - 1)); a <= Math.min(idx, lenA - 1); a++) {
            s += v0[base + a] * pwrs[idx - a];
          }
          v1[q] = s;
          max = Math.max(max, s);
        }
        if (max > 0 && max < EM128) {
          for (int q = 0; q < v1.length; q++) {
            v1[q] *= EP128;
          }
          expnt -= E128;
        }
        v1s = v0s + j1 - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int m = 1; m <= n; m++) {
      if (Math.abs(ans) > EP128) {
        ans *= EM128;
        expnt += E128;
      }
      ans *= m;
    }
    return clip(expnt != 0 ? Math.scalb(ans, expnt) : ans);
  }

  private static int[] pomeranzBounds(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int half = (i + 1) / 2;
      if ((i + 1) % 2 == 0) {
        if (half == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = half - 1 - ll - roundf - 1;
          j2 = half + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = half - 1 - ll - 1;
        j2 = half + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** P(D_n <= x) by the Pelz-Good (1976) asymptotic expansion in 1/√n. */
  static double pelzGoodCdf(int n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double pi2 = Math.PI * Math.PI;
    double pi4 = pi2 * pi2;
    double pi6 = pi4 * pi2;
    double sqrt2pi = Math.sqrt(2 * Math.PI);
    double z = Math.sqrt(n) * x;
    double z2 = z * z;
    double z3 = z2 * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double qlog = -pi2 / 8 / z2;
    if (qlog < -708) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double k1a = -z2;
    double k1b = pi2 / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
    double k2c = pi4 * (1 - 2 * z2) / 16;
    double k3d = pi6 * (5 - 30 * z2) / 64;
    double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
    double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * Math.pow(z, 8);
    double[] kk = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int k = maxk; k > 0; k--) {
      double m = 2 * k - 1;
      double m2 = m * m;
      double m4 = m2 * m2;
      double m6 = m4 * m2;
      double qpower = Math.pow(q, 8 * k);
      double[] coeffs = {
        1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6
      };
      for (int i = 0; i < 4; i++) {
        kk[i] = kk[i] * qpower + coeffs[i];
      }
    }
    double[] div = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      kk[i] = kk[i] * q * sqrt2pi / div[i];
    }
    double q2 = Math.exp(-pi2 / 2 / z2);
    double k2extra = 0;
    double k3extra = 0;
    double sqrt3z = Math.sqrt(3) * z;
    for (int k = maxk; k > 0; k--) {
      double ks2 = (double) k * k;
      double qp = Math.pow(q2, ks2);
      double kspi = Math.PI * k;
      k2extra += ks2 * qp;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    kk[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
    kk[3] += k3extra * pi2 * sqrt2pi / (216 * z6);
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += kk[i] / Math.pow(n, i / 2.0);
    }
    return sum;
  }
}
