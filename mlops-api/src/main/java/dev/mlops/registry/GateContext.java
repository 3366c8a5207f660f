package dev.mlops.registry;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Gate} sees: the candidate, the version currently holding the target stage, and the
 * other modules of the instance (for gates that need monitoring or versioning). Immutable.
 */
public final class GateContext {
  /** Looks up another module's API, as {@code Mlops.module(Class)}. */
  @FunctionalInterface
  public interface Modules {
    /** The module implementing {@code api}, if it is on the classpath. */
    <M> Optional<M> get(Class<M> api);
  }

  private final ModelVersion candidate;
  private final Lineage candidateLineage;
  private final String stage;
  private final Optional<ModelVersion> current;
  private final Optional<Lineage> currentLineage;
  private final Modules modules;
  private final Path workspace;

  /**
   * @param candidate the version being promoted
   * @param candidateLineage its lineage (metrics snapshot, params, inputs)
   * @param stage the target stage (canonical form)
   * @param current the version holding the stage now, if any (never the candidate)
   * @param currentLineage the current holder's lineage, if any
   * @param modules other modules of the instance
   * @param workspace the workspace folder (data paths in lineage are relative to it)
   */
  public GateContext(
      ModelVersion candidate,
      Lineage candidateLineage,
      String stage,
      Optional<ModelVersion> current,
      Optional<Lineage> currentLineage,
      Modules modules,
      Path workspace) {
    this.candidate = Objects.requireNonNull(candidate, "candidate");
    this.candidateLineage = Objects.requireNonNull(candidateLineage, "candidateLineage");
    this.stage = Objects.requireNonNull(stage, "stage");
    this.current = Objects.requireNonNull(current, "current");
    this.currentLineage = Objects.requireNonNull(currentLineage, "currentLineage");
    this.modules = Objects.requireNonNull(modules, "modules");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
  }

  /** The version being promoted. */
  public ModelVersion candidate() {
    return candidate;
  }

  /** The candidate's lineage. */
  public Lineage candidateLineage() {
    return candidateLineage;
  }

  /** The target stage (canonical form). */
  public String stage() {
    return stage;
  }

  /** The version holding the stage now, if any (never the candidate). */
  public Optional<ModelVersion> current() {
    return current;
  }

  /** The current holder's lineage, if any. */
  public Optional<Lineage> currentLineage() {
    return currentLineage;
  }

  /** A metric of the candidate, from its lineage snapshot. */
  public Optional<Double> metric(String key) {
    return candidateLineage.metric(key);
  }

  /** A metric of the current holder, from its lineage snapshot. */
  public Optional<Double> currentMetric(String key) {
    return currentLineage.flatMap(l -> l.metric(key));
  }

  /** Another module of the instance (e.g. {@code Monitoring.class}), if on the classpath. */
  public <M> Optional<M> module(Class<M> api) {
    return modules.get(api);
  }

  /** The workspace folder. */
  public Path workspace() {
    return workspace;
  }

  @Override
  public String toString() {
    return "GateContext{candidate=" + candidate + ", stage=" + stage + ", current=" + current + "}";
  }
}
