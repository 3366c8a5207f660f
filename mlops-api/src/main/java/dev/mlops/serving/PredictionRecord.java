package dev.mlops.serving;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One logged prediction of a served endpoint (the feed for monitoring).
 *
 * @param sequence increasing per endpoint, to read the log incrementally
 * @param endpoint the endpoint name
 * @param modelVersion the model version that answered ("" when not from the registry)
 * @param requestId the request id (for joining labels that arrive later)
 * @param input the input as JSON-like values (String, Number, Boolean, null, List, Map), redacted
 *     fields removed
 * @param output the output as a JSON-like value
 * @param latencyMillis time spent answering
 * @param timestamp when the request arrived
 */
public record PredictionRecord(
    long sequence,
    String endpoint,
    String modelVersion,
    String requestId,
    Map<String, Object> input,
    Object output,
    double latencyMillis,
    Instant timestamp) {
  public PredictionRecord {
    input = Collections.unmodifiableMap(new LinkedHashMap<>(input));
  }
}
