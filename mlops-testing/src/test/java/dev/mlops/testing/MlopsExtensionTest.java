package dev.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mlops.Mlops;
import dev.mlops.tracking.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small test classes with the JUnit Platform test kit and checks what the extension did. */
class MlopsExtensionTest {
  static final String FIXTURE = "dev.mlops.testing.MlopsExtensionTest#inTestKit";
  static final List<Path> seen = Collections.synchronizedList(new ArrayList<>());
  static final List<Mlops> instances = Collections.synchronizedList(new ArrayList<>());

  // the fixture classes below run only inside the test kit, not when a build selects them itself
  private static volatile boolean inTestKit;

  static boolean inTestKit() {
    return inTestKit;
  }

  private static EngineExecutionResults run(Class<?> testClass) {
    return run(EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)));
  }

  private static EngineExecutionResults run(EngineTestKit.Builder kit) {
    seen.clear();
    instances.clear();
    inTestKit = true;
    try {
      return kit.execute();
    } finally {
      inTestKit = false;
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class Passing {
    Mlops field;
    Mlops seenInBeforeEach;

    @BeforeEach
    void setUp(Mlops m) {
      seenInBeforeEach = m;
    }

    @Test
    void parameterAndFieldAreTheSameIsolatedInstance(Mlops m) throws Exception {
      assertThat(m).isSameAs(field).isSameAs(seenInBeforeEach);
      assertThat(m.home()).isDirectory().isEqualTo(m.config().workspace().resolve(".mlops"));
      Files.writeString(m.home().resolve("x.txt"), "x");
      Run run = m.tracking().run("e", r -> r.metric("accuracy", 0.5));
      assertThat(m.tracking().get(run.id()).metrics()).containsEntry("accuracy", 0.5);
      seen.add(m.config().workspace());
    }

    @Test
    void eachTestGetsItsOwnHome(Mlops m) {
      assertThat(m.tracking().search(dev.mlops.tracking.RunQuery.in("e")).items()).isEmpty();
      seen.add(m.config().workspace());
    }
  }

  @EnabledIf(FIXTURE)
  @ExtendWith(MlopsExtension.class)
  static class ByExtendWith {
    Mlops outer;

    @Nested
    class Inner {
      Mlops inner;

      @Test
      void nestedAndEnclosingFieldsAreInjected(Mlops m) {
        assertThat(m).isSameAs(inner).isSameAs(outer);
        seen.add(m.config().workspace());
      }
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class Failing {
    @Test
    void fails(Mlops m) {
      seen.add(m.config().workspace());
      throw new AssertionError("deliberate");
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class FailingSetUp {
    @BeforeEach
    void setUp(Mlops m) {
      seen.add(m.config().workspace());
      throw new IllegalStateException("set-up failed");
    }

    @Test
    void neverRuns() {}
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class ClassWide {
    static Mlops shared;

    @BeforeAll
    static void setUp(Mlops m) {
      shared = m;
      seen.add(m.config().workspace());
    }

    @Test
    void aTestStillGetsItsOwnInstance(Mlops m) {
      assertThat(m).isNotSameAs(shared);
      assertThat(shared.home()).isDirectory();
      seen.add(m.config().workspace());
    }

    @AfterAll
    static void tearDown(Mlops m) {
      assertThat(m).isSameAs(shared);
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class Concurrent {
    @RepeatedTest(8)
    void runsInParallelInItsOwnHome(Mlops m) throws Exception {
      seen.add(m.config().workspace());
      instances.add(m);
      Run run = m.tracking().run("parallel", r -> r.metric("accuracy", 0.9));
      assertThat(MlopsExtension.current()).containsSame(m);
      assertThat(m.tracking().search(dev.mlops.tracking.RunQuery.in("parallel")).items())
          .extracting(Run::id)
          .containsExactly(run.id());
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class ConstructorInjected {
    private final Mlops fromConstructor;

    ConstructorInjected(Mlops m) {
      fromConstructor = m;
      instances.add(m); // what a helper built in the constructor would hold
    }

    @Test
    void a(Mlops m) {
      assertThat(fromConstructor).isSameAs(m);
      seen.add(m.config().workspace());
    }

    @Test
    void b(Mlops m) {
      assertThat(fromConstructor).isSameAs(m);
      seen.add(m.config().workspace());
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class PerClassConstructor {
    private final Mlops classWide;
    Mlops perTest;

    PerClassConstructor(Mlops m) {
      classWide = m;
      seen.add(m.config().workspace());
    }

    @Test
    void a(Mlops m) {
      assertThat(perTest).isSameAs(m).isNotSameAs(classWide);
      assertThat(classWide.home()).isDirectory();
      instances.add(classWide);
    }

    @Test
    void b(Mlops m) {
      assertThat(perTest).isSameAs(m).isNotSameAs(classWide);
      instances.add(classWide);
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class StaticField {
    static Mlops shared;
    Mlops own;

    @Test
    void a() {
      assertThat(shared).isNotNull().isNotSameAs(own);
      assertThat(shared.home()).isDirectory();
      seen.add(shared.config().workspace());
      instances.add(shared);
    }

    @Test
    void b() {
      instances.add(shared);
    }
  }

  @MlopsTest
  abstract static class AbstractBase {
    protected Mlops m;
  }

  @EnabledIf(FIXTURE)
  static class Inheriting extends AbstractBase {
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void parameterized(int x, Mlops param) {
      assertThat(m).isSameAs(param);
      seen.add(m.config().workspace());
    }
  }

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class Factory {
    @TestFactory
    Stream<DynamicTest> dynamic(Mlops m) {
      return Stream.of(
          DynamicTest.dynamicTest("passes", () -> seen.add(m.config().workspace())),
          DynamicTest.dynamicTest(
              "fails",
              () -> {
                throw new AssertionError("dynamic failure");
              }));
    }
  }

  static ExecutorService leftOver;

  @EnabledIf(FIXTURE)
  @MlopsTest
  static class StartsAThread {
    @Test
    void leavesAPoolThreadBehind(Mlops m) throws Exception {
      // the pool's thread is created here, so it inherits this test's thread-local state
      leftOver.submit(() -> assertThat(MlopsExtension.current()).containsSame(m)).get();
    }
  }

  @Test
  void passingTestsGetSeparateHomesThatAreDeletedAfterwards() {
    Events events = run(Passing.class).testEvents();
    events.assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void extendWithInjectsFieldsOfNestedAndEnclosingInstances() {
    run(ByExtendWith.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).doesNotExist();
  }

  private static Throwable firstFailure(EngineExecutionResults results) {
    return results.testEvents().failed().stream()
        .findFirst()
        .orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .orElseThrow();
  }

  @Test
  void aFailingTestKeepsItsHomeAndReportsWhere() {
    var results = run(Failing.class);
    results.testEvents().assertStatistics(s -> s.failed(1));
    assertThat(seen).hasSize(1);
    Path kept = seen.get(0);
    assertThat(kept.resolve(".mlops")).isDirectory();
    assertThat(results.allEvents().reportingEntryPublished().stream())
        .anySatisfy(
            e ->
                assertThat(e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs())
                    .containsEntry("mlops.home", kept.toString()));
    // the failure itself names the folder, so the build's console output shows it
    Throwable failure = firstFailure(results);
    assertThat(failure).hasMessage("deliberate");
    assertThat(failure.getSuppressed())
        .extracting(Throwable::getMessage)
        .containsExactly("the test's mlops home is kept at " + kept);
    MlopsExtension.deleteRecursively(kept);
    assertThat(kept).doesNotExist();
  }

  @Test
  void aFailingBeforeEachAlsoNamesTheKeptHome() {
    var results = run(FailingSetUp.class);
    results.testEvents().assertStatistics(s -> s.failed(1));
    assertThat(seen).hasSize(1);
    Path kept = seen.get(0);
    assertThat(kept.resolve(".mlops")).isDirectory();
    Throwable failure = firstFailure(results);
    assertThat(failure).hasMessage("set-up failed");
    assertThat(failure.getSuppressed())
        .extracting(Throwable::getMessage)
        .containsExactly("the test's mlops home is kept at " + kept);
    MlopsExtension.deleteRecursively(kept);
  }

  @Test
  void beforeAllGetsAClassWideInstanceClosedAndDeletedAfterTheClass() {
    run(ClassWide.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void parallelTestsEachGetTheirOwnInstance() {
    run(EngineTestKit.engine("junit-jupiter")
            .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
            .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
            .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
            .configurationParameter(
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
            .selectors(selectClass(Concurrent.class)))
        .testEvents()
        .assertStatistics(s -> s.succeeded(8).failed(0));
    assertThat(seen).hasSize(8).doesNotHaveDuplicates();
    assertThat(instances).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void aConstructorParameterIsTheTestsOwnInstanceNotOneSharedByTheClass() {
    run(ConstructorInjected.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(instances).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void aPerClassConstructorKeepsItsClassWideInstanceInAFinalField() {
    run(PerClassConstructor.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(instances).hasSize(2);
    assertThat(instances.get(0)).isSameAs(instances.get(1));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).doesNotExist();
  }

  @Test
  void aStaticFieldGetsOneInstanceForTheClassDeletedAfterIt() {
    run(StaticField.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(instances).hasSize(2);
    assertThat(instances.get(0)).isSameAs(instances.get(1));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).doesNotExist();
  }

  @Test
  void fieldsOfAnAbstractBaseAreInjectedForEachParameterizedInvocation() {
    run(Inheriting.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void aFailingDynamicTestKeepsItsFactorysHomeAndNamesIt() {
    var results = run(Factory.class);
    results.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
    assertThat(seen).hasSize(1);
    Path kept = seen.get(0);
    assertThat(kept.resolve(".mlops")).isDirectory();
    Throwable failure = firstFailure(results);
    assertThat(failure).hasMessage("dynamic failure");
    assertThat(failure.getSuppressed())
        .extracting(Throwable::getMessage)
        .containsExactly("the test's mlops home is kept at " + kept);
    MlopsExtension.deleteRecursively(kept);
  }

  @Test
  void aThreadStartedDuringATestDoesNotSeeTheClosedInstanceAfterwards() throws Exception {
    leftOver = Executors.newSingleThreadExecutor();
    try {
      run(StartsAThread.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
      Optional<Mlops> later = leftOver.submit(MlopsExtension::current).get();
      assertThat(later).isEmpty();
    } finally {
      leftOver.shutdown();
      assertThat(leftOver.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
