package dev.mlops.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model registry: versions, stages, aliases, lineage and promotion gates. Get it from {@code
 * Mlops.registry()}. Thread-safe; several processes may share one home.
 *
 * <p>References: {@code name@3}, {@code name@v1.2.0}, {@code name@latest}, {@code name@champion},
 * {@code name#production}, {@code models:/name/3}, {@code models:/name@champion} (see {@link
 * ModelRef}).
 *
 * <pre>{@code
 * ModelVersion v = m.registry().register("churn", ModelSource.ofRun(runId, "model"));
 * m.registry().assignStage("churn", v.version(), "staging");
 * PromotionResult r = m.registry().promote("churn@" + v.version(), "production",
 *     Gate.metric("auc").atLeast(0.9), Gate.beatsCurrent("auc", 0.01));
 * Path dir = m.registry().download("churn#production", Path.of("serving/model"));
 * }</pre>
 *
 * <p>Errors: malformed names and references give {@link dev.mlops.InvalidInputException} (stating
 * the grammar); unknown models, versions, aliases and empty stages {@link
 * dev.mlops.NotFoundException}; a rejected call changes nothing.
 */
public interface ModelRegistry {
  /** The version a reference points at; {@link dev.mlops.NotFoundException} if none. */
  ModelVersion resolve(String ref);

  /** The version a parsed reference points at; {@link dev.mlops.NotFoundException} if none. */
  ModelVersion resolve(ModelRef ref);

  /** The version a reference points at, or empty when it points at nothing. */
  Optional<ModelVersion> find(ModelRef ref);

  /** Every version of a model, oldest first (deleted versions excluded). */
  List<ModelVersion> versions(String name);

  /**
   * Copies the files of the referenced version into {@code targetDir}, verifying the digest, and
   * returns the folder holding them. A file in the store that no longer matches its digest fails
   * the call with {@link dev.mlops.StoreException}; nothing is left in {@code targetDir}.
   */
  Path download(String ref, Path targetDir);

  /** Like {@link #download(String, Path)} for a parsed reference. */
  Path download(ModelRef ref, Path targetDir);

  /**
   * Opens the verified files of a version in place in the model store (the digest is checked on
   * open).
   */
  ModelFiles open(String ref);

  /**
   * Registers a new version: copies the files into the model store, records lineage (for a run
   * source) and returns it. Version numbers start at 1 and are never reused. The model is created
   * on its first version.
   */
  ModelVersion register(String name, ModelSource source);

  /** Like {@link #register(String, ModelSource)} with a SemVer label, description, tags, schema. */
  ModelVersion register(String name, ModelSource source, RegisterOptions options);

  /**
   * Moves a version into a stage ({@code None}, {@code Staging}, {@code Production}, {@code
   * Archived} or a custom name). A version holds one stage; by default a stage other than None and
   * Archived is held by one version per model, and the previous holder is archived (config {@code
   * registry.stage.exclusive=false} allows several holders; {@code registry.stage.replaced=none}
   * clears the previous holder instead). Atomic across threads and processes.
   */
  ModelVersion assignStage(String name, int version, String stage);

  /** Like {@link #assignStage(String, int, String)} with a reason for the audit history. */
  ModelVersion assignStage(String name, int version, String stage, String reason);

  /** Points an alias at a version, moving it atomically if it pointed elsewhere. */
  ModelVersion setAlias(String name, String alias, int version);

  /** Removes an alias; {@link dev.mlops.NotFoundException} if it does not exist. */
  void deleteAlias(String name, String alias);

  /**
   * Evaluates every gate against the referenced version and, if all pass, assigns the stage (as
   * {@link #assignStage}) in the same transaction that re-checks the current holder. On any failure
   * nothing changes and the result lists each failed gate.
   */
  PromotionResult promote(String ref, String stage, Gate... gates);

  /** What produced the referenced version. */
  Lineage lineage(String ref);

  /** The version with its SemVer label, description, signature and size. */
  ModelVersionDetails details(String ref);

  /** Sets a tag on a version. */
  ModelVersion setTag(String ref, String key, String value);

  /**
   * Every registration, stage change, alias move, tag and deletion of a model, oldest first (kept
   * after the model is deleted); {@link dev.mlops.NotFoundException} if the name never existed.
   */
  List<AuditEvent> history(String name);

  /** Every model with at least one live version, by name. */
  List<RegisteredModel> models();

  /** A model by name, if it has live versions. */
  Optional<RegisteredModel> model(String name);

  /** Live versions matching a query, by name then version. */
  List<ModelVersion> search(ModelQuery query);

  /**
   * Deletes a version: it keeps its number as a tombstone, loses its stage and aliases; its files
   * stay in the store while another version shares them.
   */
  void deleteVersion(String name, int version);

  /** Deletes every version of a model (numbers are still never reused). */
  void deleteModel(String name);

  /**
   * Calls {@code listener} whenever {@code ref} starts resolving to another version, including
   * changes made by other processes (polled; config {@code registry.watch.interval.ms}, default
   * 500). Close the returned handle to stop.
   */
  Watch watch(ModelRef ref, RefListener listener);

  /**
   * Writes GTO-style annotated tags for the registry's state into the Git repository at {@code
   * repoDir} via the {@code git} command: {@code name@vX.Y.Z} per version (SemVer label, or {@code
   * v0.0.<number>} without one), {@code name#stage#N} and {@code name#stage!#N} for stage changes,
   * {@code name@vX.Y.Z!#N} for deleted versions. Tags already present are kept.
   */
  GitSyncResult exportGitTags(Path repoDir);

  /**
   * Reads GTO annotated tags from the Git repository at {@code repoDir} and applies GTO's state
   * (active versions, stage holders) to the registry: stage assignments and deregistrations are
   * applied to matching versions; versions only known to Git are reported, not created.
   */
  GitSyncResult importGitTags(Path repoDir);

  /** A registration of a {@link RefListener}; closing it stops the calls. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
