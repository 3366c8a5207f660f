package dev.mlops.registry;

import java.util.List;

/**
 * The outcome of {@link ModelRegistry#promote}: every gate was evaluated; on any failure nothing
 * changed. Immutable.
 */
public interface PromotionResult {
  /** Whether the version now holds the stage. */
  boolean promoted();

  /** One line per failed gate: the gate, the actual value and what was required. */
  List<String> failedGates();

  /** The version after the call (its new stage if promoted). */
  ModelVersion version();

  /** Every gate's result, in the order given. */
  List<GateResult> gates();
}
