package dev.mlops.monitoring.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Shared Commons Math distributions (their density/CDF methods are thread-safe). */
final class Distributions {
  private Distributions() {}

  static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
}
