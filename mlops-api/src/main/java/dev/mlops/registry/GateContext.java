package dev.mlops.registry;

import java.util.Optional;

/**
 * What a {@link Gate} sees: the candidate and the version currently holding the target stage.
 * Immutable.
 *
 * @param candidate the version being promoted
 * @param candidateLineage its lineage (metrics snapshot, params, inputs)
 * @param stage the target stage (canonical form)
 * @param current the version holding the stage now, if any (never the candidate)
 * @param currentLineage the current holder's lineage, if any
 */
public record GateContext(
    ModelVersion candidate,
    Lineage candidateLineage,
    String stage,
    Optional<ModelVersion> current,
    Optional<Lineage> currentLineage) {

  /** A metric of the candidate, from its lineage snapshot. */
  public Optional<Double> metric(String key) {
    return candidateLineage.metric(key);
  }

  /** A metric of the current holder, from its lineage snapshot. */
  public Optional<Double> currentMetric(String key) {
    return currentLineage.flatMap(l -> l.metric(key));
  }
}
