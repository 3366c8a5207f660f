package dev.mlops.serving;

import java.util.List;

/**
 * The answer to one request. Immutable.
 *
 * @param outputs one output per input, in input order
 * @param modelVersion the version that answered ({@code ""} for a plain predictor)
 * @param requestId the request id (given or generated)
 */
public record Prediction<O>(List<O> outputs, String modelVersion, String requestId) {
  public Prediction {
    outputs = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(outputs));
  }
}
