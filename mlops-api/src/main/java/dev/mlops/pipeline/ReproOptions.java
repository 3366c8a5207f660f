package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;
import dev.mlops.ProgressListener;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to run a {@code repro}. Immutable: each method returns a copy with one value changed, and
 * rejects a bad value at once. Thread-safe.
 *
 * <pre>{@code
 * m.pipelines().repro(p, ReproOptions.defaults().parallelism(2).retries(2)
 *     .timeout(Duration.ofMinutes(30)).targets("train").downstream(true));
 * }</pre>
 */
public final class ReproOptions {
  private static final ReproOptions DEFAULTS =
      new ReproOptions(
          1,
          0,
          Duration.ofSeconds(1),
          null,
          false,
          false,
          List.of(),
          false,
          false,
          true,
          ProgressListener.NONE);

  private final int parallelism;
  private final int retries;
  private final Duration retryBackoff;
  private final Duration timeout;
  private final boolean force;
  private final boolean dryRun;
  private final List<String> targets;
  private final boolean downstream;
  private final boolean singleItem;
  private final boolean runCache;
  private final ProgressListener listener;

  private ReproOptions(
      int parallelism,
      int retries,
      Duration retryBackoff,
      Duration timeout,
      boolean force,
      boolean dryRun,
      List<String> targets,
      boolean downstream,
      boolean singleItem,
      boolean runCache,
      ProgressListener listener) {
    this.parallelism = parallelism;
    this.retries = retries;
    this.retryBackoff = retryBackoff;
    this.timeout = timeout;
    this.force = force;
    this.dryRun = dryRun;
    this.targets = List.copyOf(targets);
    this.downstream = downstream;
    this.singleItem = singleItem;
    this.runCache = runCache;
    this.listener = listener;
  }

  /**
   * One stage at a time, no retries (backoff 1 s when set), no timeout, run cache on, every stage.
   */
  public static ReproOptions defaults() {
    return DEFAULTS;
  }

  /** How many independent stages may run at once (at least 1). */
  public ReproOptions parallelism(int n) {
    if (n < 1) {
      throw new InvalidInputException("parallelism", n, "at least 1");
    }
    return new ReproOptions(
        n,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** How many times a failed stage is tried again (0 = no retry). */
  public ReproOptions retries(int n) {
    if (n < 0) {
      throw new InvalidInputException("retries", n, "0 or more");
    }
    return new ReproOptions(
        parallelism,
        n,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** The wait before the first retry; doubled before each further retry. */
  public ReproOptions retryBackoff(Duration backoff) {
    if (backoff == null || backoff.isNegative()) {
      throw new InvalidInputException("retryBackoff", backoff, "a duration of zero or more");
    }
    return new ReproOptions(
        parallelism,
        retries,
        backoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /**
   * The longest one attempt of a stage may take; a shell stage's process tree is then killed, a
   * Java stage's thread interrupted, and the attempt counts as failed.
   */
  public ReproOptions timeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new InvalidInputException("timeout", timeout, "a positive duration");
    }
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** Run the selected stages even when they are up to date (and skip the run cache). */
  public ReproOptions force(boolean force) {
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** Decide what would run, run nothing, write nothing. */
  public ReproOptions dryRun(boolean dryRun) {
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /**
   * Only these stages and (unless {@link #singleItem}) what they depend on; with {@link
   * #downstream}, these stages and what depends on them. None = every stage.
   */
  public ReproOptions targets(String... stages) {
    Objects.requireNonNull(stages, "stages");
    Set<String> t = new LinkedHashSet<>();
    for (String s : stages) {
      if (s == null || s.isBlank()) {
        throw new InvalidInputException("targets", Arrays.toString(stages), "stage names");
      }
      t.add(s);
    }
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        List.copyOf(t),
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /**
   * With targets: run the targets and every stage downstream of them (like {@code dvc repro
   * --downstream}).
   */
  public ReproOptions downstream(boolean downstream) {
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** With targets: run only the targets, not their upstream stages ({@code --single-item}). */
  public ReproOptions singleItem(boolean singleItem) {
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** Whether changed stages may be restored from the run cache (default true). */
  public ReproOptions runCache(boolean runCache) {
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        listener);
  }

  /** Receives progress: task "repro <pipeline>", done/total in stages. */
  public ReproOptions listener(ProgressListener listener) {
    return new ReproOptions(
        parallelism,
        retries,
        retryBackoff,
        timeout,
        force,
        dryRun,
        targets,
        downstream,
        singleItem,
        runCache,
        Objects.requireNonNull(listener, "listener"));
  }

  public int parallelism() {
    return parallelism;
  }

  public int retries() {
    return retries;
  }

  public Duration retryBackoff() {
    return retryBackoff;
  }

  /** The per-attempt timeout; empty = none. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  public boolean force() {
    return force;
  }

  public boolean dryRun() {
    return dryRun;
  }

  public List<String> targets() {
    return targets;
  }

  public boolean downstream() {
    return downstream;
  }

  public boolean singleItem() {
    return singleItem;
  }

  public boolean runCache() {
    return runCache;
  }

  public ProgressListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "ReproOptions{parallelism="
        + parallelism
        + ", retries="
        + retries
        + ", retryBackoff="
        + retryBackoff
        + ", timeout="
        + timeout
        + ", force="
        + force
        + ", dryRun="
        + dryRun
        + ", targets="
        + targets
        + ", downstream="
        + downstream
        + ", singleItem="
        + singleItem
        + ", runCache="
        + runCache
        + "}";
  }
}
