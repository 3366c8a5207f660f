package dev.mlops.testing;

import dev.mlops.serving.Endpoint;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on an endpoint's answers; start with {@link
 * MlopsAssertions#assertThatEndpoint(Endpoint)}. Not thread-safe: use from one thread (the endpoint
 * itself may be shared).
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class EndpointAssert<I, O> {
  private final Endpoint<I, O> endpoint;

  EndpointAssert(Endpoint<I, O> endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Calls the endpoint with {@code input}; it must answer without an exception. */
  public Answer<O> answers(I input) {
    long start = System.nanoTime();
    O output;
    try {
      output = endpoint.predict(input);
    } catch (RuntimeException e) {
      throw new AssertionFailedError(
          "endpoint '" + endpoint.name() + "' failed on " + input + ": " + e, e);
    }
    return new Answer<>(endpoint.name(), output, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * One answer and how long it took.
   *
   * @param <O> the output type
   */
  public static final class Answer<O> {
    private final String endpoint;
    private final O output;
    private final Duration took;

    Answer(String endpoint, O output, Duration took) {
      this.endpoint = endpoint;
      this.output = output;
      this.took = took;
    }

    /**
     * The answer came within {@code limit}: the wall time of this one call, measured around {@code
     * predict} on the calling thread (so it includes queueing and micro-batching waits).
     *
     * @throws dev.mlops.InvalidInputException when {@code limit} is null or negative
     */
    public Answer<O> within(Duration limit) {
      if (limit == null || limit.isNegative()) {
        throw new dev.mlops.InvalidInputException("limit", limit, "a duration of zero or more");
      }
      if (took.compareTo(limit) > 0) {
        throw new AssertionFailedError(
            "endpoint '"
                + endpoint
                + "' answered in "
                + millis(took)
                + " ms, expected within "
                + millis(limit)
                + " ms");
      }
      return this;
    }

    /** Milliseconds with up to 3 decimals, so that sub-millisecond bounds read sensibly. */
    private static String millis(Duration d) {
      return java.math.BigDecimal.valueOf(d.toNanos(), 6)
          .setScale(3, java.math.RoundingMode.HALF_UP)
          .stripTrailingZeros()
          .toPlainString();
    }

    /** How long the call took. */
    public Duration took() {
      return took;
    }

    /** The answer equals {@code expected}. */
    public Answer<O> isEqualTo(O expected) {
      if (!Objects.equals(output, expected)) {
        throw new AssertionFailedError(
            "endpoint '" + endpoint + "' answered " + output + ", expected " + expected,
            expected,
            output);
      }
      return this;
    }

    /** The answer satisfies {@code condition}. */
    public Answer<O> satisfies(Predicate<? super O> condition) {
      if (!condition.test(output)) {
        throw new AssertionFailedError(
            "endpoint '" + endpoint + "' answered " + output + ", which fails the condition");
      }
      return this;
    }

    /** The answer itself. */
    public O output() {
      return output;
    }
  }
}
