package dev.mlops.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Kolmogorov#sf} against scipy 1.10.1 {@code kstwo.sf(x, n)} (values printed by {@code
 * /usr/bin/python3 -c "from scipy.stats import kstwo; print(repr(kstwo.sf(x, n)))"}), one or more
 * points per branch: Ruben-Gambino ends, x >= 0.5, Durbin matrix, Pomeranz, 2 × Smirnov (n <= 140
 * and n > 140), Pelz-Good, the n·x² >= 370 cut. Commons Math's {@code 1 - cdf} gave 3.8e-15 for
 * (500, 0.2) where scipy gives 5.3e-18, 1.6e-12 for (5143, 0.1) instead of 3.2e-45, and missed
 * (500, 0.1) by 4.6e-5 relative.
 */
class KolmogorovTest {
  @ParameterizedTest(name = "n={0} x={1}")
  @CsvSource({
    "5, 0.3, 0.664",
    "80, 0.09, 0.5073727083768947",
    "80, 0.15, 0.04902030999474837",
    "140, 0.3, 1.1370251710737309e-11",
    "500, 0.03, 0.7473166700457021",
    "500, 0.08, 0.0031305058199356268",
    "500, 0.1, 8.342293067263533e-05",
    "500, 0.2, 5.256835361945869e-18",
    "2000, 0.05, 8.74309579589503e-05",
    "5143, 0.08, 4.451237192219674e-29",
    "5143, 0.1, 3.181215477032975e-45",
    "5143, 0.02, 0.03223251085215506",
    "10001, 0.05, 3.6145036352416276e-22",
    "50000, 0.005, 0.16353363492434803",
    "150000, 0.004, 0.01641549696764547",
    "300000, 0.0045, 1.0544580640645175e-05",
    "1000, 0.6, 0.0",
    "1000, 0.0009, 1.0",
    "10001, 0.2, 0.0"
  })
  void matchesScipyKstwoSf(int n, double x, double expected) {
    double p = Kolmogorov.sf(n, x);
    assertThat(p)
        .as("kstwo.sf(%s, %s)", x, n)
        .isCloseTo(expected, within(Math.max(1e-300, 1e-10 * Math.abs(expected))));
  }
}
