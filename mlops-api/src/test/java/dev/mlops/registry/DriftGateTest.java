package dev.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Monitoring;
import dev.mlops.monitoring.Table;
import dev.mlops.versioning.DataVersion;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift gate's logic. The real mlops-monitoring cannot be a test dependency here (mlops-api is
 * below it) nor of mlops-registry (serving -> registry and monitoring -> serving would make a
 * reactor cycle), so Monitoring is a stub that records its inputs and returns a fixed report.
 */
class DriftGateTest {
  @TempDir Path ws;

  final List<Table[]> calls = new ArrayList<>();

  Monitoring monitoring(boolean drift) {
    ColumnDrift age =
        (ColumnDrift)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ColumnDrift.class},
                (p, method, args) -> {
                  switch (method.getName()) {
                    case "column":
                      return "age";
                    case "drifted":
                      return drift;
                    default:
                      return null;
                  }
                });
    DriftReport report =
        (DriftReport)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DriftReport.class},
                (p, method, args) -> {
                  switch (method.getName()) {
                    case "datasetDrift":
                      return drift;
                    case "driftShare":
                      return drift ? 1.0 : 0.0;
                    case "columns":
                      return List.of(age);
                    default:
                      return null;
                  }
                });
    return (Monitoring)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Monitoring.class},
            (p, method, args) -> {
              if (method.getName().equals("drift")) {
                calls.add(new Table[] {(Table) args[0], (Table) args[1]});
                return report;
              }
              throw new AssertionError("unexpected call " + method);
            });
  }

  GateContext ctx(Optional<Monitoring> monitoring, List<DataVersion> inputs) {
    ModelVersion v =
        new ModelVersion(
            "churn", 1, "None", Set.of(), "r1", "runs:/r1/m", "sha256:x", Map.of(), Instant.EPOCH);
    Lineage l = new Lineage("r1", "0", "", "runs:/r1/m", inputs, Map.of(), Map.of());
    GateContext.Modules modules =
        new GateContext.Modules() {
          @Override
          public <M> Optional<M> get(Class<M> api) {
            return api == Monitoring.class ? monitoring.map(api::cast) : Optional.empty();
          }
        };
    return new GateContext(v, l, "Production", Optional.empty(), Optional.empty(), modules, ws);
  }

  static Table table(double age) {
    return Table.fromRows(List.of(Map.of("age", age), Map.of("age", age + 1)));
  }

  @Test
  void explicitTablesPassOrFailOnDatasetDrift() throws Exception {
    Table ref = table(40);
    Table cur = table(60);
    GateResult failed =
        Gate.noDrift(ref, cur).evaluate(ctx(Optional.of(monitoring(true)), List.of()));
    assertThat(failed.passed()).isFalse();
    assertThat(failed.actual()).contains("dataset drift = true").contains("[age]");
    assertThat(failed.required()).isEqualTo("dataset drift = false");
    assertThat(calls.get(0)).containsExactly(ref, cur);
    assertThat(
            Gate.noDrift(ref, cur)
                .evaluate(ctx(Optional.of(monitoring(false)), List.of()))
                .passed())
        .isTrue();
  }

  @Test
  void withoutMonitoringTheGateFails() throws Exception {
    GateResult r = Gate.noDrift(table(1), table(2)).evaluate(ctx(Optional.empty(), List.of()));
    assertThat(r.passed()).isFalse();
    assertThat(r.actual()).contains("mlops-monitoring is not on the classpath");
  }

  @Test
  void inputDriftNeedsOneReadableCsvInput() throws Exception {
    Monitoring mon = monitoring(false);
    GateResult none = Gate.noInputDrift(table(1)).evaluate(ctx(Optional.of(mon), List.of()));
    assertThat(none.passed()).isFalse();
    assertThat(none.actual()).contains("no single CSV input");
    DataVersion a = new DataVersion("a.csv", "0".repeat(32), 10, null);
    DataVersion b = new DataVersion("b.csv", "1".repeat(32), 10, null);
    GateResult two = Gate.noInputDrift(table(1)).evaluate(ctx(Optional.of(mon), List.of(a, b)));
    assertThat(two.actual()).contains("no single CSV input").contains("a.csv");
    // present in the workspace but changed since training (MD5 differs), and no versioning module
    Files.writeString(ws.resolve("a.csv"), "age\n1\n");
    GateResult changed =
        Gate.noInputDrift("a.csv", table(1)).evaluate(ctx(Optional.of(mon), List.of(a, b)));
    assertThat(changed.passed()).isFalse();
    assertThat(changed.actual()).contains("a.csv").contains("neither unchanged");
    GateResult missing =
        Gate.noInputDrift("c.csv", table(1)).evaluate(ctx(Optional.of(mon), List.of(a, b)));
    assertThat(missing.actual()).contains("no input c.csv");
    assertThat(calls).isEmpty();
  }
}
