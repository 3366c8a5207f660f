package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.serving.DeadlineExceededException;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.NotReadyException;
import dev.mlops.serving.OverloadedException;
import dev.mlops.serving.PredictOptions;
import dev.mlops.serving.PredictionException;
import dev.mlops.serving.VersionInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointBatchingTest {
  record In(double x, double y) {}

  record Out(double sum, int batch) {}

  @TempDir Path home;
  Mlops m;

  @BeforeEach
  void open() {
    m = Mlops.open(home);
  }

  @AfterEach
  void close() {
    m.close();
  }

  private static List<Out> sums(List<In> batch) {
    List<Out> out = new ArrayList<>();
    for (In i : batch) {
      out.add(new Out(i.x() + i.y(), batch.size()));
    }
    return out;
  }

  @Test
  void batchingOffAnswersEachCallDirectly() throws Exception {
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(
                "plain",
                In.class,
                (List<In> b) -> {
                  sizes.add(b.size());
                  return sums(b);
                })
            .build();
    assertThat(ep.predict(new In(1, 2)).sum()).isEqualTo(3);
    assertThat(ep.predictAsync(new In(2, 2)).get(5, TimeUnit.SECONDS).sum()).isEqualTo(4);
    assertThat(ep.predictAll(List.of(new In(1, 1), new In(5, 5))))
        .extracting(Out::sum)
        .containsExactly(2.0, 10.0);
    assertThat(sizes).containsExactly(1, 1, 2);
    assertThat(ep.ready()).isTrue();
    assertThat(ep.modelVersion()).isEmpty();
    assertThat(m.serving().find("plain")).containsSame(ep);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void sixtyFourConcurrentCallersEachGetTheirOwnAnswer(long seed) throws Exception {
    runConcurrent(seed, false);
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5})
  void adaptiveBatchingAnswersEachCallerToo(long seed) throws Exception {
    runConcurrent(seed, true);
  }

  private void runConcurrent(long seed, boolean adaptive) throws Exception {
    AtomicInteger maxBatch = new AtomicInteger();
    var b =
        m.serving()
            .endpoint(
                "batched-" + seed,
                In.class,
                (List<In> batch) -> {
                  maxBatch.accumulateAndGet(batch.size(), Math::max);
                  Thread.sleep(1);
                  return sums(batch);
                });
    Endpoint<In, Out> ep =
        (adaptive
                ? b.adaptiveBatching(32, Duration.ofSeconds(20))
                : b.batching(32, Duration.ofMillis(2)))
            .concurrency(2)
            .build();
    Random r = new Random(seed);
    int callers = 64;
    int perCaller = 20;
    double[][] xs = new double[callers][perCaller];
    double[][] ys = new double[callers][perCaller];
    for (int c = 0; c < callers; c++) {
      for (int k = 0; k < perCaller; k++) {
        xs[c][k] = r.nextInt(1_000_000);
        ys[c][k] = r.nextDouble();
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int caller = c;
      results.add(
          pool.submit(
              () -> {
                start.await();
                int ok = 0;
                for (int k = 0; k < perCaller; k++) {
                  Out o = ep.predict(new In(xs[caller][k], ys[caller][k]));
                  if (o.sum() == xs[caller][k] + ys[caller][k]) {
                    ok++;
                  }
                }
                return ok;
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total)
        .as("seed %d: answers matching their own input", seed)
        .isEqualTo(callers * perCaller);
    assertThat(maxBatch.get()).as("seed %d: requests were grouped", seed).isGreaterThan(1);
  }

  @Test
  void aFullBatchHoldsExactlyMaxBatchSize() throws Exception {
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(
                "exact",
                In.class,
                (List<In> b) -> {
                  sizes.add(b.size());
                  return sums(b);
                })
            .batching(4, Duration.ofSeconds(30))
            .concurrency(1)
            .build();
    List<CompletableFuture<Out>> fs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fs.add(ep.predictAsync(new In(i, 0)));
    }
    // dispatched by size (the 30 s window never elapses)
    CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    assertThat(sizes).containsExactly(4);
    assertThat(fs.get(3).get().batch()).isEqualTo(4);
  }

  @Test
  void thePartialBatchGoesWhenTheOldestHasWaitedMaxWait() throws Exception {
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint("window", In.class, EndpointBatchingTest::sums)
            .batching(100, Duration.ofMillis(300))
            .build();
    List<CompletableFuture<Out>> fs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      fs.add(ep.predictAsync(new In(i, i)));
    }
    for (int i = 0; i < 3; i++) {
      Out o = fs.get(i).get(10, TimeUnit.SECONDS);
      assertThat(o.sum()).isEqualTo(2.0 * i);
      assertThat(o.batch()).isEqualTo(3);
    }
  }

  @Test
  void aFailingBatchFailsOnlyItsOwnRequests() throws Exception {
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(
                "guarded",
                In.class,
                (List<In> b) -> {
                  for (In i : b) {
                    if (i.x() < 0) {
                      throw new IllegalStateException("negative input");
                    }
                  }
                  return sums(b);
                })
            .batching(8, Duration.ofMillis(1))
            .build();
    assertThatThrownBy(() -> ep.predict(new In(-1, 0)))
        .isInstanceOf(PredictionException.class)
        .hasMessageContaining("negative input")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(ep.predict(new In(1, 1)).sum()).isEqualTo(2);
    Endpoint<In, Out> wrongCount =
        m.serving().endpoint("wrong-count", In.class, (List<In> b) -> List.<Out>of()).build();
    assertThatThrownBy(() -> wrongCount.predict(new In(1, 1)))
        .isInstanceOf(PredictionException.class)
        .hasMessageContaining("0 outputs for 1 inputs");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFullQueueRefusesAndRecovers(boolean batching) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    var b =
        m.serving()
            .endpoint(
                "overload-" + batching,
                In.class,
                (List<In> batch) -> {
                  entered.countDown();
                  release.await();
                  return sums(batch);
                })
            .maxQueue(2)
            .concurrency(1);
    Endpoint<In, Out> ep = (batching ? b.batching(1, Duration.ZERO) : b).build();
    List<CompletableFuture<Out>> accepted = new ArrayList<>();
    accepted.add(ep.predictAsync(new In(0, 0)));
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    OverloadedException refused = null;
    for (int i = 1; i < 10 && refused == null; i++) {
      CompletableFuture<Out> f = ep.predictAsync(new In(i, 0));
      if (f.isCompletedExceptionally()) {
        try {
          f.join();
        } catch (CompletionException e) {
          refused = (OverloadedException) e.getCause();
        }
      } else {
        accepted.add(f);
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.retryAfter()).isPositive();
    assertThat(accepted).hasSize(3);
    release.countDown();
    for (CompletableFuture<Out> f : accepted) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isNotNull();
    }
    assertThat(ep.predict(new In(7, 1)).sum()).isEqualTo(8);
  }

  @Test
  void aRequestThatWouldMissItsDeadlineIsRefused() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(
                "deadline",
                In.class,
                (List<In> batch) -> {
                  release.await(5, TimeUnit.SECONDS);
                  return sums(batch);
                })
            .batching(1, Duration.ZERO)
            .concurrency(1)
            .timeout(Duration.ofMillis(100))
            .build();
    CompletableFuture<Out> first = ep.predictAsync(new In(1, 1));
    assertThatThrownBy(() -> ep.predict(new In(2, 2)))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("timeout");
    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS).sum()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aModelSlowerThanTheTimeoutIsNeverAnsweredLate(boolean batching) {
    var b =
        m.serving()
            .endpoint(
                "late" + batching,
                In.class,
                (List<In> batch) -> {
                  Thread.sleep(250);
                  return sums(batch);
                })
            .timeout(Duration.ofMillis(50));
    Endpoint<In, Out> ep = (batching ? b.batching(4, Duration.ofMillis(1)) : b).build();
    assertThatThrownBy(() -> ep.predict(new In(1, 1)))
        .as("batching " + batching)
        .isInstanceOf(DeadlineExceededException.class)
        .satisfies(e -> assertThat(((OverloadedException) e).retryAfter()).isPositive());
  }

  @Test
  void canaryWeightsSplitTrafficAndRoutingKeysAreSticky() {
    Endpoint<In, String> ep =
        m.serving()
            .endpoint("split", In.class, (List<In> b) -> Collections.nCopies(b.size(), "v1"))
            .version("v1")
            .canary("v2", (List<In> b) -> Collections.nCopies(b.size(), "v2"), 0.25)
            .build();
    int v2 = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      if (ep.predict(new In(i, 0)).equals("v2")) {
        v2++;
      }
    }
    // 0.25 * 4000 = 1000, sd ~ 27: 6 sd bounds
    assertThat(v2).isBetween(840, 1160);
    for (int k = 0; k < 20; k++) {
      PredictOptions o = PredictOptions.defaults().withRoutingKey("user-" + k);
      String first = ep.predictAll(List.of(new In(0, 0)), o).modelVersion();
      for (int j = 0; j < 5; j++) {
        assertThat(ep.predictAll(List.of(new In(j, 0)), o).modelVersion()).isEqualTo(first);
      }
    }
    assertThat(ep.versions())
        .containsExactly(
            new VersionInfo("v1", VersionInfo.Role.PRIMARY, 0.75),
            new VersionInfo("v2", VersionInfo.Role.CANARY, 0.25));
    assertThat(
            ep.predictAll(List.of(new In(0, 0)), PredictOptions.defaults().withVersion("v2"))
                .outputs())
        .containsExactly("v2");
  }

  @Test
  void shadowAnswersAreLoggedNeverReturned() {
    Endpoint<In, String> ep =
        m.serving()
            .endpoint("shadowed", In.class, (List<In> b) -> Collections.nCopies(b.size(), "main"))
            .version("1")
            .shadow("2", (List<In> b) -> Collections.nCopies(b.size(), "shadow"))
            .build();
    for (int i = 0; i < 20; i++) {
      assertThat(ep.predict(new In(i, 0))).isEqualTo("main");
    }
    // shadows finish asynchronously: wait for all 40 records
    long deadline = System.currentTimeMillis() + 10_000;
    while (m.serving().log("shadowed").size() < 40 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    var records = m.serving().log("shadowed");
    assertThat(records).hasSize(40);
    assertThat(records.stream().filter(r -> r.modelVersion().equals("2")).map(r -> r.output()))
        .hasSize(20)
        .allMatch("shadow"::equals);
  }

  @Test
  void anExplicitSampleRateOfZeroLogsNothingEvenWithShadowsAndFailingShadowsAreCounted() {
    AtomicInteger shadowCalls = new AtomicInteger();
    Endpoint<In, String> quiet =
        m.serving()
            .endpoint("quiet", In.class, (List<In> b) -> Collections.nCopies(b.size(), "main"))
            .shadow(
                "2",
                (List<In> b) -> {
                  shadowCalls.incrementAndGet();
                  return Collections.nCopies(b.size(), "shadow");
                })
            .logging(0)
            .build();
    Endpoint<In, String> failing =
        m.serving()
            .endpoint("failing", In.class, (List<In> b) -> Collections.nCopies(b.size(), "main"))
            .shadow(
                "2",
                (List<In> b) -> {
                  throw new IllegalStateException("shadow broke");
                })
            .build();
    for (int i = 0; i < 10; i++) {
      assertThat(quiet.predict(new In(i, 0))).isEqualTo("main");
      assertThat(failing.predict(new In(i, 0))).isEqualTo("main");
    }
    assertThat(m.serving().log("quiet")).isEmpty();
    assertThat(shadowCalls.get()).isZero();
    ServingModule sm = (ServingModule) m.serving();
    long deadline = System.currentTimeMillis() + 10_000;
    java.util.function.Supplier<String> failures =
        () ->
            new String(sm.metrics().scrape(), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .filter(
                    l ->
                        l.startsWith(
                            "mlops_serving_shadow_failures_total{endpoint=\"failing\",model=\"failing\",version=\"2\"}"))
                .findFirst()
                .orElse("");
    while (!failures.get().endsWith(" 10.0") && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(failures.get()).endsWith(" 10.0");
    // only the main answers were logged for the failing shadow
    assertThat(m.serving().log("failing")).hasSize(10).allMatch(r -> r.output().equals("main"));
  }

  @Test
  void closedEndpointRefusesAndFreesItsName() {
    Endpoint<In, Out> ep =
        m.serving().endpoint("closing", In.class, EndpointBatchingTest::sums).build();
    assertThatThrownBy(
            () -> m.serving().endpoint("closing", In.class, EndpointBatchingTest::sums).build())
        .isInstanceOf(dev.mlops.AlreadyExistsException.class);
    ep.close();
    assertThat(ep.ready()).isFalse();
    assertThatThrownBy(() -> ep.predict(new In(1, 1))).isInstanceOf(NotReadyException.class);
    assertThat(m.serving().find("closing")).isEmpty();
    m.serving().endpoint("closing", In.class, EndpointBatchingTest::sums).build().close();
  }

  @Test
  void predictAsyncReportsEveryFailureThroughItsFuture() {
    Endpoint<In, Out> ep =
        m.serving().endpoint("async-closed", In.class, EndpointBatchingTest::sums).build();
    CompletableFuture<Out> nullInput = ep.predictAsync(null);
    assertThatThrownBy(nullInput::join).hasCauseInstanceOf(InvalidInputException.class);
    ep.close();
    CompletableFuture<Out> f = ep.predictAsync(new In(1, 1));
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).hasCauseInstanceOf(NotReadyException.class);
  }

  @Test
  void anAdaptiveBatchAlsoHoldsExactlyMaxBatchSize() throws Exception {
    // BentoML's fill loop stops at maxBatchSize - 1; ours must reach maxBatchSize
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(
                "adaptive-full",
                In.class,
                (List<In> b) -> {
                  sizes.add(b.size());
                  release.await(10, TimeUnit.SECONDS);
                  return sums(b);
                })
            .adaptiveBatching(4, Duration.ofSeconds(30))
            .concurrency(1)
            .build();
    List<CompletableFuture<Out>> fs = new ArrayList<>();
    fs.add(ep.predictAsync(new In(0, 0)));
    long deadline = System.currentTimeMillis() + 10_000;
    while (sizes.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    for (int i = 1; i <= 8; i++) {
      fs.add(ep.predictAsync(new In(i, 0)));
    }
    release.countDown();
    for (int i = 0; i < fs.size(); i++) {
      assertThat(fs.get(i).get(10, TimeUnit.SECONDS).sum()).isEqualTo(i);
    }
    assertThat(sizes).containsExactly(1, 4, 4);
  }

  @Test
  void builderRejectsBadSettingsNamingTheField() {
    var s = m.serving();
    assertThatThrownBy(
            () ->
                s.endpoint("b1", In.class, EndpointBatchingTest::sums)
                    .batching(0, Duration.ZERO)
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("maxBatchSize");
    assertThatThrownBy(
            () -> s.endpoint("b2", In.class, EndpointBatchingTest::sums).maxQueue(0).build())
        .hasMessageContaining("maxQueue");
    assertThatThrownBy(
            () -> s.endpoint("b3", In.class, EndpointBatchingTest::sums).logging(1.5).build())
        .hasMessageContaining("sampleRate");
    assertThatThrownBy(
            () -> s.endpoint("b4", In.class, EndpointBatchingTest::sums).concurrency(0).build())
        .hasMessageContaining("concurrency");
    assertThatThrownBy(
            () ->
                s.endpoint("b5", In.class, EndpointBatchingTest::sums)
                    .timeout(Duration.ZERO)
                    .build())
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> s.endpoint("bad name!", In.class, EndpointBatchingTest::sums))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(
            () ->
                s.endpoint("b6", In.class, EndpointBatchingTest::sums)
                    .canary("x#prod", 0.1)
                    .build())
        .hasMessageContaining("canary");
    assertThat(s.find("b1")).isEmpty();
  }

  @Test
  void costModelRecoversALinearCost() {
    CostModel c = new CostModel();
    Random r = new Random(7);
    for (int i = 0; i < 60; i++) {
      int n = 1 + r.nextInt(64);
      c.observe(n, 1_000_000L + 10_000L * n);
    }
    assertThat(c.fitted()).isTrue();
    assertThat(c.perRowNanos()).isCloseTo(10_000, org.assertj.core.data.Offset.offset(1.0));
    assertThat(c.perBatchNanos()).isCloseTo(1_000_000, org.assertj.core.data.Offset.offset(100.0));
    assertThat(c.predict(10)).isBetween(1_099_000L, 1_101_000L);
  }
}
