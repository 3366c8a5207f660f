package dev.mlops.tracking;

/**
 * The code of a run; it may throw anything, the run then ends FAILED and the exception is rethrown.
 */
@FunctionalInterface
public interface RunBody {
  void accept(ActiveRun run) throws Exception;
}
