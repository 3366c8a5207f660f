package dev.mlops.pipeline;

/**
 * The code of a Java stage. It may throw anything; the stage then fails (and is retried if
 * configured). It should stop promptly when its thread is interrupted (timeout, cancellation).
 */
@FunctionalInterface
public interface StageBody {
  void run(StageContext ctx) throws Exception;
}
