package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.ColumnMapping;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Monitoring;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.TableCsvReader;
import dev.mlops.registry.Gate;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.PromotionResult;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;
import dev.mlops.tracking.Run;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotion with the drift gate when a Monitoring module is present. The real mlops-monitoring
 * cannot be on this module's test classpath (monitoring's tests use serving, serving's use the
 * registry: a reactor cycle), so a stub Monitoring (drift = a column mean moved by more than 1) and
 * a stub CSV reader are registered through this module's test META-INF/services. What is real: the
 * tracked run and its recorded input, the workspace file and its MD5 check, the module lookup
 * through Mlops, and the promotion transaction.
 */
class DriftGatePromotionTest {
  @TempDir Path tmp;

  @Test
  void driftOfTheCandidatesTrainingInputBlocksPromotionAndChangesNothing() throws Exception {
    Path ws = tmp;
    Path train = Files.createDirectories(ws.resolve("data")).resolve("train.csv");
    Files.writeString(train, "age\n30\n31\n32\n33\n");
    DataVersion input = new DataVersion("data/train.csv", md5(train), Files.size(train), null);
    Path model = Files.createDirectories(tmp.resolve("out/model"));
    Files.writeString(model.resolve("weights.bin"), "w");
    try (Mlops m = Mlops.open(ws.resolve(".mlops"))) {
      ModelRegistry reg = m.registry();
      Run run = m.tracking().run("churn", r -> r.metric("auc", 0.9).input(input).artifact(model));
      reg.register("churn", ModelSource.ofRun(run.id(), "model"));
      int events = reg.history("churn").size();

      PromotionResult drifted =
          reg.promote(
              "churn@1",
              "production",
              Gate.noInputDrift(ages(60)),
              Gate.metric("auc").atLeast(0.95));
      assertThat(drifted.promoted()).isFalse();
      assertThat(drifted.failedGates()).hasSize(2);
      assertThat(drifted.failedGates().get(0))
          .contains("no drift from training input")
          .contains("actual dataset drift = true")
          .contains("[age]")
          .contains("required dataset drift = false");
      assertThat(drifted.failedGates().get(1)).contains("actual 0.9").contains(">= 0.95");
      assertThat(reg.resolve("churn@1").stage()).isEqualTo("None");
      assertThat(reg.history("churn")).hasSize(events);

      PromotionResult ok = reg.promote("churn@1", "production", Gate.noInputDrift(ages(30.5)));
      assertThat(ok.failedGates()).isEmpty();
      assertThat(ok.promoted()).isTrue();
      assertThat(reg.resolve("churn#production").version()).isEqualTo(1);

      // the training file changed since the run (MD5 differs) and no versioning module can give
      // the recorded version back: the gate fails rather than compare against other data
      Files.writeString(train, "age\n90\n");
      PromotionResult changed =
          reg.promote("churn@1", "staging", Gate.noInputDrift("data/train.csv", ages(30.5)));
      assertThat(changed.promoted()).isFalse();
      assertThat(changed.failedGates().get(0)).contains("data/train.csv").contains("neither");
      assertThat(reg.resolve("churn@1").stage()).isEqualTo("Production");
    }
  }

  static Table ages(double from) {
    return Table.builder()
        .numeric("age", IntStream.range(0, 4).mapToDouble(i -> from + i).toArray())
        .build();
  }

  static String md5(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(f)));
  }

  static double mean(Table t, String column) {
    double[] v = t.numeric(column);
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Reads a numeric CSV with a header (enough for this test). */
  public static final class StubCsvReader implements TableCsvReader {
    @Override
    public Table read(Path file, ColumnMapping mapping) {
      try {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",");
        Table.Builder b = Table.builder();
        for (int c = 0; c < header.length; c++) {
          List<Double> values = new ArrayList<>();
          for (String line : lines.subList(1, lines.size())) {
            values.add(Double.parseDouble(line.split(",")[c]));
          }
          b.numeric(header[c], values.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return b.build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A Monitoring whose drift(ref, cur) flags a column when its mean moved by more than 1. */
  public static final class StubMonitoringProvider implements ModuleProvider<Monitoring> {
    @Override
    public Class<Monitoring> api() {
      return Monitoring.class;
    }

    @Override
    public Monitoring create(ModuleContext context) {
      return (Monitoring)
          Proxy.newProxyInstance(
              Monitoring.class.getClassLoader(),
              new Class<?>[] {Monitoring.class},
              (p, method, args) -> {
                if (method.getName().equals("drift")) {
                  return report((Table) args[0], (Table) args[1]);
                }
                throw new AssertionError("not stubbed: " + method);
              });
    }

    static DriftReport report(Table ref, Table cur) {
      List<ColumnDrift> cols = new ArrayList<>();
      for (String c : ref.columnNames()) {
        boolean drifted = Math.abs(mean(ref, c) - mean(cur, c)) > 1;
        cols.add(
            (ColumnDrift)
                Proxy.newProxyInstance(
                    ColumnDrift.class.getClassLoader(),
                    new Class<?>[] {ColumnDrift.class},
                    (p, method, args) ->
                        Map.<String, Object>of("column", c, "drifted", drifted)
                            .get(method.getName())));
      }
      long n = cols.stream().filter(ColumnDrift::drifted).count();
      return (DriftReport)
          Proxy.newProxyInstance(
              DriftReport.class.getClassLoader(),
              new Class<?>[] {DriftReport.class},
              (p, method, args) -> {
                switch (method.getName()) {
                  case "datasetDrift":
                    return n * 2 >= cols.size() && n > 0;
                  case "driftShare":
                    return (double) n / cols.size();
                  case "columns":
                    return List.copyOf(cols);
                  default:
                    throw new AssertionError("not stubbed: " + method);
                }
              });
    }
  }
}
