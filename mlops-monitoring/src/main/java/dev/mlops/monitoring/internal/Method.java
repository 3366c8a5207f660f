package dev.mlops.monitoring.internal;

import java.util.Map;

/** Evidently's stat tests: default threshold, comparison, and whether the score is a p-value. */
enum Method {
  KS("ks", 0.05, true, Cmp.LE, true),
  CHISQUARE("chisquare", 0.05, true, Cmp.LT, false),
  Z("z", 0.05, true, Cmp.LT, false),
  WASSERSTEIN("wasserstein", 0.1, false, Cmp.GE, true),
  JENSENSHANNON("jensenshannon", 0.1, false, Cmp.GE, false),
  PSI("psi", 0.1, false, Cmp.GE, false),
  KL_DIV("kl_div", 0.1, false, Cmp.GE, false),
  HELLINGER("hellinger", 0.1, false, Cmp.GE, false),
  ANDERSON("anderson", 0.1, true, Cmp.LT, true),
  CRAMER_VON_MISES("cramer_von_mises", 0.1, true, Cmp.LE, true),
  ENERGY_DIST("energy_dist", 0.1, false, Cmp.GT, true),
  T_TEST("t_test", 0.05, true, Cmp.LT, true),
  FISHER_EXACT("fisher_exact", 0.1, true, Cmp.LT, false),
  TVD("TVD", 0.1, true, Cmp.LT, false),
  MANNW("mannw", 0.05, true, Cmp.LT, true),
  EMPIRICAL_MMD("empirical_mmd", 0.1, true, Cmp.LT, true);

  enum Cmp {
    LT,
    LE,
    GE,
    GT
  }

  final String id;
  final double threshold;
  final boolean pValue;
  final Cmp cmp;
  final boolean numericOnly;

  Method(String id, double threshold, boolean pValue, Cmp cmp, boolean numericOnly) {
    this.id = id;
    this.threshold = threshold;
    this.pValue = pValue;
    this.cmp = cmp;
    this.numericOnly = numericOnly;
  }

  private static final Map<String, Method> BY_ID;

  static {
    Map<String, Method> m = new java.util.HashMap<>();
    for (Method x : values()) {
      m.put(x.id, x);
    }
    BY_ID = Map.copyOf(m);
  }

  static Method of(String id) {
    Method m = BY_ID.get(id);
    if (m == null) {
      throw new dev.mlops.InvalidInputException("method", id, "one of " + BY_ID.keySet());
    }
    return m;
  }

  boolean drifted(double score, double t) {
    if (Double.isNaN(score)) {
      return false;
    }
    switch (cmp) {
      case LT:
        return score < t;
      case LE:
        return score <= t;
      case GE:
        return score >= t;
      default:
        return score > t;
    }
  }

  /**
   * Evidently's default test: up to 1000 reference rows, ks for numeric columns with more than 5
   * distinct values (reference ∪ current), else chisquare (more than 2) or z; above 1000 rows,
   * normed wasserstein or jensenshannon.
   */
  static Method defaultFor(boolean numeric, long nRef, long distinctUnion) {
    if (nRef <= 1000) {
      if (numeric && distinctUnion > 5) {
        return KS;
      }
      return distinctUnion > 2 ? CHISQUARE : Z;
    }
    return numeric && distinctUnion > 5 ? WASSERSTEIN : JENSENSHANNON;
  }
}
