package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;
import java.time.Duration;

/**
 * The result of one stage in a {@code repro}. Immutable.
 *
 * @param stage the stage name
 * @param outcome what happened
 * @param duration wall time spent on the stage (all attempts), zero when it was not run
 * @param message why (reasons it ran, the error, "up to date", ...); never null
 */
public record StageResult(String stage, StageOutcome outcome, Duration duration, String message) {
  public StageResult {
    if (stage == null || stage.isBlank()) {
      throw new InvalidInputException("stage", stage, "a stage name");
    }
    if (outcome == null) {
      throw new InvalidInputException("outcome", null, "a StageOutcome");
    }
    duration = duration == null ? Duration.ZERO : duration;
    message = message == null ? "" : message;
  }
}
