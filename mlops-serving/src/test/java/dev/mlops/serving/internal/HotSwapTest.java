package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.Mlops;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelSource;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelLoader;
import dev.mlops.serving.PredictOptions;
import dev.mlops.serving.Prediction;
import dev.mlops.serving.VersionInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Endpoints that follow a registry reference: load beside, warm up, swap, drain, close. */
class HotSwapTest {
  record In(double x) {}

  record Out(double y, int version) {}

  @TempDir Path home;
  @TempDir Path files;
  Mlops m;
  final ObjectMapper json = new ObjectMapper();
  final ConcurrentLinkedQueue<Integer> closedVersions = new ConcurrentLinkedQueue<>();

  /** Counted down by a sleeping model once a request is inside its predict call. */
  final CountDownLatch insideSlowPredict = new CountDownLatch(1);

  /** A model whose files hold a JSON "bias" (data, never Java-deserialized). */
  final class BiasModel implements BatchPredictor<In, Out>, AutoCloseable {
    final int version;
    final double bias;
    final long sleepMillis;
    volatile boolean closed;

    BiasModel(int version, double bias, long sleepMillis) {
      this.version = version;
      this.bias = bias;
      this.sleepMillis = sleepMillis;
    }

    @Override
    public List<Out> predict(List<In> batch) throws Exception {
      if (closed) {
        throw new IllegalStateException("version " + version + " used after close");
      }
      if (sleepMillis > 0) {
        insideSlowPredict.countDown();
        Thread.sleep(sleepMillis);
      }
      List<Out> out = new ArrayList<>();
      for (In i : batch) {
        if (Double.isNaN(bias)) {
          throw new IllegalStateException("broken weights");
        }
        out.add(new Out(i.x() + bias, version));
      }
      return out;
    }

    @Override
    public void close() {
      closed = true;
      closedVersions.add(version);
    }
  }

  final ModelLoader<In, Out> loader =
      (dir, v) -> {
        JsonNode w = json.readTree(dir.resolve("weights.json").toFile());
        if (w.path("fail_load").asBoolean()) {
          throw new IllegalStateException("cannot load version " + v.version());
        }
        double bias = w.path("bias").isNumber() ? w.get("bias").asDouble() : Double.NaN;
        return new BiasModel(v.version(), bias, w.path("sleep").asLong());
      };

  @BeforeEach
  void open() {
    m = Mlops.open(home);
  }

  @AfterEach
  void close() {
    m.close();
  }

  int register(String weights) throws Exception {
    Path dir = Files.createTempDirectory(files, "model");
    Files.writeString(dir.resolve("weights.json"), weights);
    return m.registry().register("churn", ModelSource.ofPath(dir)).version();
  }

  int registerProduction(double bias) throws Exception {
    int v = register("{\"bias\": " + bias + "}");
    m.registry().assignStage("churn", v, "production");
    return v;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void hotSwapUnderLoadLosesNothingAndNeverMixesVersions(boolean batching) throws Exception {
    registerProduction(1000);
    var b =
        m.serving()
            .endpoint(ModelRef.parse("churn#production"), In.class, loader)
            .refreshInterval(Duration.ZERO)
            .warmup(new In(0));
    Endpoint<In, Out> ep = (batching ? b.batching(16, Duration.ofMillis(1)) : b).build();
    assertThat(ep.name()).isEqualTo("churn");
    assertThat(ep.modelVersion()).isEqualTo("1");

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    int threads = 12;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      loops.add(
          pool.submit(
              () -> {
                Random r = new Random(seed);
                while (!stop.get()) {
                  List<In> in = new ArrayList<>();
                  int n = 1 + r.nextInt(6);
                  for (int k = 0; k < n; k++) {
                    in.add(new In(r.nextInt(1000)));
                  }
                  try {
                    Prediction<Out> p = ep.predictAll(in, PredictOptions.defaults());
                    int v = Integer.parseInt(p.modelVersion());
                    for (int k = 0; k < n; k++) {
                      Out o = p.outputs().get(k);
                      if (o.version() != v || o.y() != in.get(k).x() + 1000.0 * v) {
                        problems.add(
                            "seed " + seed + ": mixed or wrong answer " + o + " from v" + v);
                      }
                    }
                    answered.incrementAndGet();
                  } catch (RuntimeException e) {
                    problems.add("seed " + seed + ": " + e);
                  }
                }
              }));
    }
    for (int v = 2; v <= 4; v++) {
      Thread.sleep(150);
      registerProduction(1000.0 * v);
      // the registry's change notification may have swapped it already: either way it is live
      ep.refresh();
      assertThat(ep.modelVersion()).isEqualTo(Integer.toString(v));
    }
    Thread.sleep(150);
    stop.set(true);
    for (Future<?> f : loops) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(problems).isEmpty();
    assertThat(answered.get()).isGreaterThan(threads);
    // the retired versions were closed once their in-flight requests finished
    long deadline = System.currentTimeMillis() + 10_000;
    while (closedVersions.size() < 3 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(closedVersions).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(ep.predict(new In(1)).version()).isEqualTo(4);
  }

  @Test
  void inFlightRequestsFinishOnTheOldVersion() throws Exception {
    register("{\"bias\": 1000, \"sleep\": 400}");
    m.registry().assignStage("churn", 1, "production");
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(ModelRef.parse("churn#production"), In.class, loader)
            .refreshInterval(Duration.ZERO)
            .build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Out> slow = pool.submit(() -> ep.predict(new In(1)));
    assertThat(insideSlowPredict.await(10, TimeUnit.SECONDS)).isTrue();
    registerProduction(2000);
    ep.refresh();
    assertThat(ep.predict(new In(1)).version()).isEqualTo(2);
    Out old = slow.get(10, TimeUnit.SECONDS);
    assertThat(old.version()).isEqualTo(1);
    assertThat(old.y()).isEqualTo(1001);
    pool.shutdown();
  }

  @Test
  void aVersionThatFailsToLoadOrWarmUpIsNeverSwappedIn() throws Exception {
    registerProduction(1000);
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(ModelRef.parse("churn#production"), In.class, loader)
            .warmup(new In(0))
            .refreshInterval(Duration.ZERO)
            .build();
    int bad = register("{\"fail_load\": true}");
    m.registry().assignStage("churn", bad, "production");
    assertThat(ep.refresh()).isFalse();
    assertThat(ep.modelVersion()).isEqualTo("1");
    assertThat(ep.predict(new In(1)).y()).isEqualTo(1001);

    int broken = register("{\"bias\": null}"); // loads, but fails its warm-up
    m.registry().assignStage("churn", broken, "production");
    assertThat(ep.refresh()).isFalse();
    assertThat(ep.predict(new In(1)).version()).isEqualTo(1);

    String metrics = new String(((ServingModule) m.serving()).metrics().scrape(), "UTF-8");
    assertThat(metrics)
        .contains("mlops_serving_model_load_failures_total{endpoint=\"churn\",model=\"churn\"} 2");

    int good = registerProduction(5000);
    ep.refresh();
    assertThat(ep.predict(new In(1)).version()).isEqualTo(good);
  }

  @Test
  void followsTheReferenceWithoutAnExplicitRefresh() throws Exception {
    registerProduction(1000);
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(ModelRef.parse("churn#production"), In.class, loader)
            .refreshInterval(Duration.ofMillis(100))
            .build();
    registerProduction(2000);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!ep.modelVersion().equals("2") && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ep.modelVersion()).isEqualTo("2");
    assertThat(ep.predict(new In(0)).y()).isEqualTo(2000);
  }

  @Test
  void canaryAndShadowVersionsFromReferences() throws Exception {
    registerProduction(1000);
    int v2 = register("{\"bias\": 2000}");
    m.registry().setAlias("churn", "challenger", v2);
    int v3 = register("{\"bias\": 3000}");
    m.registry().setAlias("churn", "candidate", v3);
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint(ModelRef.parse("churn#production"), In.class, loader)
            .canary(ModelRef.parse("churn@challenger"), 0.5)
            .shadow("churn@candidate")
            .logging(1.0)
            .refreshInterval(Duration.ZERO)
            .build();
    assertThat(ep.versions())
        .containsExactly(
            new VersionInfo("1", VersionInfo.Role.PRIMARY, 0.5),
            new VersionInfo("2", VersionInfo.Role.CANARY, 0.5),
            new VersionInfo("3", VersionInfo.Role.SHADOW, 0));
    int fromV2 = 0;
    for (int i = 0; i < 400; i++) {
      int v = ep.predict(new In(i)).version();
      assertThat(v).isIn(1, 2);
      if (v == 2) {
        fromV2++;
      }
    }
    assertThat(fromV2).isBetween(140, 260);
    long deadline = System.currentTimeMillis() + 10_000;
    while (m.serving().log("churn").size() < 800 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(m.serving().log("churn").stream().filter(r -> r.modelVersion().equals("3")))
        .hasSize(400);
  }

  @Test
  void unknownReferenceFailsAtBuild() {
    assertThatThrownBy(
            () ->
                m.serving().endpoint(ModelRef.parse("nosuch#production"), In.class, loader).build())
        .isInstanceOf(dev.mlops.NotFoundException.class);
    assertThat(m.serving().find("nosuch")).isEmpty();
  }
}
