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

    /** The answer came within {@code limit}. */
    public Answer<O> within(Duration limit) {
      if (took.compareTo(limit) > 0) {
        throw new AssertionFailedError(
            "endpoint '"
                + endpoint
                + "' answered in "
                + took.toMillis()
                + " ms, expected within "
                + limit.toMillis()
                + " ms");
      }
      return this;
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
