package dev.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mlops.Mlops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class MlopsExtensionTest {
  static final List<Path> seen = new ArrayList<>();

  @MlopsTest
  static class Passing {
    Mlops field;

    @Test
    void parameterAndFieldAreTheSameIsolatedInstance(Mlops m) throws Exception {
      assertThat(m).isSameAs(field);
      assertThat(m.home()).isDirectory();
      Files.writeString(m.home().resolve("x.txt"), "x");
      seen.add(m.config().workspace());
    }

    @Test
    void eachTestGetsItsOwnHome(Mlops m) {
      seen.add(m.config().workspace());
    }
  }

  @MlopsTest
  static class Failing {
    @Test
    void fails(Mlops m) {
      seen.add(m.config().workspace());
      throw new AssertionError("deliberate");
    }
  }

  @Test
  void passingTestsGetSeparateHomesThatAreDeletedAfterwards() {
    seen.clear();
    Events events =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(Passing.class))
            .execute()
            .testEvents();
    events.assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void aFailingTestKeepsItsHomeAndReportsWhere() {
    seen.clear();
    var results =
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Failing.class)).execute();
    results.testEvents().assertStatistics(s -> s.failed(1));
    assertThat(seen).hasSize(1);
    Path kept = seen.get(0);
    assertThat(kept.resolve(".mlops")).isDirectory();
    assertThat(results.allEvents().reportingEntryPublished().stream())
        .anySatisfy(
            e ->
                assertThat(
                        e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class)
                            .orElseThrow()
                            .getKeyValuePairs())
                    .containsEntry("mlops.home", kept.toString()));
    MlopsExtension.deleteRecursively(kept);
    assertThat(kept).doesNotExist();
  }
}
