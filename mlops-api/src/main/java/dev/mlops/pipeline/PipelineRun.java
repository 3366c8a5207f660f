package dev.mlops.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The outcome of one {@code repro}. Immutable and thread-safe. */
public interface PipelineRun {
  /** True when no stage failed and the repro was not cancelled. */
  boolean succeeded();

  /** One result per selected stage, in the order the stages finished. */
  List<StageResult> stages();

  /** The result of one stage; {@link dev.mlops.NotFoundException} if it was not selected. */
  StageResult stage(String name);

  /** The pipeline name. */
  String pipeline();

  /** When the repro started. */
  Instant startTime();

  /** When the repro ended. */
  Instant endTime();

  /** Whether the repro was cancelled before every stage ended. */
  boolean cancelled();

  /** The combined stdout/stderr (shell) or logged lines (Java) of a stage that ran; "" if none. */
  String log(String stage);

  /** The tracking run of this repro, when {@code mlops-tracking} is on the classpath. */
  Optional<String> trackingRunId();
}
