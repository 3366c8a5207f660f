package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelSource;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelLoader;
import dev.mlops.serving.NotReadyException;
import dev.mlops.serving.PredictOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry endpoint while its references move, vanish, or the endpoint closes mid-load. */
class RegistryDynamicsTest {
  @TempDir Path home;
  @TempDir Path files;
  Mlops m;
  final ConcurrentLinkedQueue<Integer> closed = new ConcurrentLinkedQueue<>();
  final ConcurrentHashMap<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();

  /** Versions above 1 wait for this gate inside the loader. */
  volatile CountDownLatch gate = new CountDownLatch(0);

  final CountDownLatch inLoad = new CountDownLatch(1);

  final class Model implements BatchPredictor<Double, String>, AutoCloseable {
    final int version;

    Model(int version) {
      this.version = version;
    }

    @Override
    public List<String> predict(List<Double> batch) {
      List<String> out = new ArrayList<>();
      for (Double d : batch) {
        out.add("v" + version + ":" + d);
      }
      return out;
    }

    @Override
    public void close() {
      closed.add(version);
    }
  }

  final ModelLoader<Double, String> loader =
      (dir, mv) -> {
        loads.computeIfAbsent(mv.version(), k -> new AtomicInteger()).incrementAndGet();
        if (mv.version() > 1) {
          inLoad.countDown();
          gate.await();
        }
        return new Model(mv.version());
      };

  @BeforeEach
  void open() {
    m = Mlops.open(home);
  }

  @AfterEach
  void close() {
    m.close();
  }

  int register() throws Exception {
    Path d = Files.createTempDirectory(files, "m");
    Files.writeString(d.resolve("w.txt"), d.getFileName().toString());
    return m.registry().register("churn", ModelSource.ofPath(d)).version();
  }

  Endpoint<Double, String> production() throws Exception {
    int v1 = register();
    m.registry().assignStage("churn", v1, "production");
    return m.serving()
        .endpoint(ModelRef.parse("churn#production"), Double.class, loader)
        .refreshInterval(Duration.ZERO)
        .build();
  }

  double swaps() {
    return ((ServingModule) m.serving()).metrics().swaps.labelValues("churn", "churn").get();
  }

  @Test
  void anEmptiedStageKeepsServingTheLastVersionUntilItIsHeldAgain() throws Exception {
    Endpoint<Double, String> ep = production();
    m.registry().assignStage("churn", 1, "Archived");
    assertThat(ep.refresh()).isFalse();
    assertThat(ep.ready()).isTrue();
    assertThat(ep.predict(2.0)).isEqualTo("v1:2.0");

    int v2 = register();
    m.registry().assignStage("churn", v2, "production");
    ep.refresh();
    assertThat(ep.modelVersion()).isEqualTo("2");
    assertThat(ep.predict(2.0)).isEqualTo("v2:2.0");
  }

  @Test
  void aDeletedModelKeepsServingTheLastVersion() throws Exception {
    Endpoint<Double, String> ep = production();
    m.registry().deleteModel("churn");
    assertThat(ep.refresh()).isFalse();
    assertThat(ep.predict(1.0)).isEqualTo("v1:1.0");
  }

  @Test
  void aCanaryReferenceThatVanishedDoesNotBlockThePrimaryFromMoving() throws Exception {
    int v1 = register();
    int v2 = register();
    m.registry().assignStage("churn", v1, "production");
    m.registry().setAlias("churn", "challenger", v2);
    Endpoint<Double, String> ep =
        m.serving()
            .endpoint(ModelRef.parse("churn#production"), Double.class, loader)
            .canary("churn@challenger", 0.5)
            .refreshInterval(Duration.ZERO)
            .build();
    m.registry().deleteAlias("churn", "challenger");
    int v3 = register();
    m.registry().assignStage("churn", v3, "production");
    ep.refresh();
    assertThat(ep.modelVersion()).isEqualTo("3");
    assertThat(ep.predictAll(List.of(1.0), PredictOptions.defaults().withVersion("2")).outputs())
        .containsExactly("v2:1.0");
  }

  @Test
  void aCanaryReferenceMustResolveAtBuild() throws Exception {
    int v1 = register();
    m.registry().assignStage("churn", v1, "production");
    assertThatThrownBy(
            () ->
                m.serving()
                    .endpoint(ModelRef.parse("churn#production"), Double.class, loader)
                    .canary("churn@nobody", 0.1)
                    .refreshInterval(Duration.ZERO)
                    .build())
        .isInstanceOf(NotFoundException.class);
    assertThat(m.serving().find("churn")).isEmpty();
  }

  @Test
  void closeDuringAHangingLoadReturnsAndTheLateVersionNeverServes() throws Exception {
    Endpoint<Double, String> ep = production();
    gate = new CountDownLatch(1);
    int v2 = register();
    m.registry().assignStage("churn", v2, "production"); // the watch starts loading v2
    Thread refresher = new Thread(ep::refresh);
    refresher.start();
    assertThat(inLoad.await(10, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(ep::close);
    closer.start();
    closer.join(10_000);
    assertThat(closer.isAlive()).as("close() waited for a hanging loader").isFalse();
    assertThat(ep.ready()).isFalse();
    assertThatThrownBy(() -> ep.predict(1.0)).isInstanceOf(NotReadyException.class);

    gate.countDown();
    refresher.join(10_000);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!closed.contains(2) && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertThat(closed).contains(1, 2); // the version loaded after close() is closed, not leaked
    assertThat(ep.ready()).isFalse();
    assertThat(ep.versions()).isEmpty();
  }

  @Test
  void twoMovesWhileLoadingSwapInOnlyTheLatestAndLoadEachOnce() throws Exception {
    Endpoint<Double, String> ep = production();
    gate = new CountDownLatch(1);
    int v2 = register();
    int v3 = register();
    m.registry().assignStage("churn", v2, "production");
    Thread refresher = new Thread(ep::refresh);
    refresher.start();
    assertThat(inLoad.await(10, TimeUnit.SECONDS)).isTrue();
    m.registry().assignStage("churn", v3, "production");
    double before = swaps();
    gate.countDown();
    refresher.join(10_000);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!ep.modelVersion().equals("3") && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    ep.refresh();
    assertThat(ep.modelVersion()).isEqualTo("3");
    assertThat(swaps() - before).as("swaps after the two moves").isEqualTo(1.0);
    assertThat(loads.get(2).get()).isEqualTo(1);
    assertThat(loads.get(3).get()).isEqualTo(1);
    deadline = System.currentTimeMillis() + 10_000;
    while (closed.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertThat(closed).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void canaryWeightsZeroAndOneAreAllowedOthersRejected() {
    Endpoint<Double, String> none =
        m.serving()
            .endpoint("none", Double.class, new Model(1))
            .canary("c", new Model(2), 0)
            .build();
    Endpoint<Double, String> all =
        m.serving()
            .endpoint("all", Double.class, new Model(1))
            .canary("c", new Model(2), 1)
            .build();
    for (int i = 0; i < 100; i++) {
      assertThat(none.predict(1.0)).startsWith("v1");
      assertThat(all.predict(1.0)).startsWith("v2");
    }
    assertThat(none.predictAll(List.of(1.0), PredictOptions.defaults().withVersion("c")).outputs())
        .containsExactly("v2:1.0");
    for (double w : new double[] {100, -0.01, Double.NaN, 1.0000001}) {
      assertThatThrownBy(
              () ->
                  m.serving()
                      .endpoint("bad", Double.class, new Model(1))
                      .canary("c", new Model(2), w)
                      .build())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("weight")
          .hasMessageContaining(String.valueOf(w));
    }
    assertThat(m.serving().find("bad")).isEmpty();
  }

  @Test
  void aBatchedRequestLargerThanTheQueueIsInvalidNotOverloaded() {
    Endpoint<Double, String> ep =
        m.serving()
            .endpoint("q", Double.class, new Model(1))
            .batching(4, Duration.ofMillis(1))
            .maxQueue(3)
            .build();
    assertThatThrownBy(() -> ep.predictAll(List.of(1.0, 2.0, 3.0, 4.0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("inputs")
        .hasMessageContaining("maxQueue");
    assertThat(ep.predictAll(List.of(1.0, 2.0, 3.0))).hasSize(3);
  }
}
