package dev.mlops.registry;

/**
 * The outcome of one promotion gate. Immutable.
 *
 * @param gate a description of the gate, e.g. {@code metric auc >= 0.9}
 * @param passed whether it passed
 * @param actual the observed value, e.g. {@code 0.87} or {@code missing}
 * @param required what was needed, e.g. {@code >= 0.9}
 */
public record GateResult(String gate, boolean passed, String actual, String required) {
  /** A passing result. */
  public static GateResult pass(String gate, String actual, String required) {
    return new GateResult(gate, true, actual, required);
  }

  /** A failing result. */
  public static GateResult fail(String gate, String actual, String required) {
    return new GateResult(gate, false, actual, required);
  }

  @Override
  public String toString() {
    return gate + ": actual " + actual + ", required " + required;
  }
}
