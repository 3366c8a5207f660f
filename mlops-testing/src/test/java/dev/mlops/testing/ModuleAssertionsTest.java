package dev.mlops.testing;

import static dev.mlops.testing.MlopsAssertions.assertNoDrift;
import static dev.mlops.testing.MlopsAssertions.assertReproducible;
import static dev.mlops.testing.MlopsAssertions.assertThatEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.Mlops;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.Table;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.serving.Endpoint;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The assertions that use modules, on real implementations in a {@link MlopsTest} home. */
@MlopsTest
class ModuleAssertionsTest {
  private static Table normal(long seed, double shift, int n) {
    Random r = new Random(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian() + shift;
    }
    return Table.builder().numeric("x", x).build();
  }

  @Test
  void noDriftPassesOnSamplesOfOneDistributionAndNamesTheDriftedColumnOtherwise() {
    assertThat(assertNoDrift(normal(1, 0, 300), normal(2, 0, 300)).datasetDrift()).isFalse();
    assertThatThrownBy(() -> assertNoDrift(normal(1, 0, 300), normal(2, 1.5, 300)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 of 1 columns drifted")
        .hasMessageContaining("x (ks: statistic");
  }

  @Test
  void noDriftTakesTheReportsOptions() {
    Table reference = normal(1, 0, 300);
    Table shifted = normal(2, 1.5, 300);
    assertThatThrownBy(
            () ->
                assertNoDrift(
                    reference, shifted, DriftOptions.defaults().method("x", "wasserstein")))
        .hasMessageContaining("x (wasserstein: statistic 1.")
        .hasMessageContaining("threshold 0.1000");
    assertThat(
            assertNoDrift(
                    reference,
                    shifted,
                    DriftOptions.defaults().method("x", "wasserstein").threshold("x", 5.0))
                .column("x")
                .drifted())
        .isFalse();
  }

  @Test
  void endpointAnswersAreCheckedForValueAndTime(Mlops m) {
    try (Endpoint<Integer, Integer> doubler =
        m.serving()
            .endpoint(
                "doubler",
                Integer.class,
                batch -> batch.stream().map(i -> i * 2).collect(Collectors.toList()))
            .build()) {
      assertThat(
              assertThatEndpoint(doubler)
                  .answers(21)
                  .isEqualTo(42)
                  .within(Duration.ofSeconds(30))
                  .output())
          .isEqualTo(42);
      assertThatThrownBy(() -> assertThatEndpoint(doubler).answers(1).isEqualTo(3))
          .hasMessageContaining("answered 2, expected 3");
      assertThatThrownBy(() -> assertThatEndpoint(doubler).answers(1).within(Duration.ZERO))
          .hasMessageContaining("expected within 0 ms");
      assertThatThrownBy(
              () -> assertThatEndpoint(doubler).answers(1).within(Duration.ofNanos(1_500)))
          .hasMessageContaining("expected within 0.002 ms");
      var answer = assertThatEndpoint(doubler).answers(4);
      assertThat(answer.took()).isPositive();
      assertThatCode(() -> answer.within(answer.took())).doesNotThrowAnyException();
      assertThatThrownBy(() -> answer.within(Duration.ofMillis(-1)))
          .isInstanceOf(dev.mlops.InvalidInputException.class)
          .hasMessageContaining("limit");
    }
  }

  @Test
  void aDeterministicPipelineIsReproducibleAndANondeterministicOneIsNot(Mlops m) throws Exception {
    Files.writeString(m.config().workspace().resolve("in.txt"), "hello\n");
    Pipeline deterministic =
        Pipeline.builder("det")
            .stage(
                "upper",
                s ->
                    s.run(
                            ctx ->
                                Files.writeString(
                                    ctx.path("out.txt"),
                                    Files.readString(ctx.path("in.txt")).toUpperCase()))
                        .version("1")
                        .deps("in.txt")
                        .outs("out.txt"))
            .build();
    assertThat(assertReproducible(deterministic)).containsOnlyKeys("out.txt");

    Pipeline noisy =
        Pipeline.builder("noisy")
            .stage(
                "stamp",
                s ->
                    s.run(ctx -> Files.writeString(ctx.path("out.txt"), "" + System.nanoTime()))
                        .version("1")
                        .deps("in.txt")
                        .outs("out.txt"))
            .build();
    assertThatThrownBy(() -> assertReproducible(noisy))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is not reproducible: outputs differ: out.txt (");
  }
}
