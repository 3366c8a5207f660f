package dev.mlops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README quick start (batch part), through the public API only. */
class QuickStartTest {
  @TempDir Path dir;

  @Test
  void quickStartRuns() throws Exception {
    Random r = new Random(3);
    StringBuilder a = new StringBuilder("customer_id,age,plan,email\n");
    StringBuilder b = new StringBuilder("customer_id,age,plan,email\n");
    for (int i = 0; i < 300; i++) {
      a.append(i)
          .append(',')
          .append(30 + r.nextInt(30))
          .append(",free,u")
          .append(i)
          .append("@x.io\n");
      b.append(i)
          .append(',')
          .append(45 + r.nextInt(30))
          .append(',')
          .append(i % 3 == 0 ? "pro" : "free")
          .append(",u")
          .append(i)
          .append("@x.io\n");
    }
    Files.writeString(dir.resolve("train.csv"), a);
    Files.writeString(dir.resolve("today.csv"), b);
    try (Mlops m = Mlops.open(dir.resolve(".mlops"))) {
      Table ref = Table.readCsv(dir.resolve("train.csv"));
      Table cur = Table.readCsv(dir.resolve("today.csv"));
      DriftReport d = m.monitoring().drift(ref, cur);
      assertThat(d.datasetDrift()).isTrue();
      ColumnDrift age = d.column("age");
      assertThat(age.method()).isEqualTo("ks");
      assertThat(age.drifted()).isTrue();
      d.writeHtml(dir.resolve("drift.html"));
      assertThat(dir.resolve("drift.html")).exists();
      assertThat(d.toJson()).contains("\"schema\" : \"mlops.monitoring.drift/v1\"");
      DriftReport psi =
          m.monitoring()
              .drift(
                  ref,
                  cur,
                  DriftOptions.defaults().method("age", "psi").threshold("age", 0.2).seed(7));
      assertThat(psi.column("age").method()).isEqualTo("psi");
      assertThat(psi.column("age").pValue()).isNaN();
      DataSummary s = m.monitoring().summary(cur);
      assertThat(s.column("age").missingShare()).isZero();
      QualityReport q =
          m.monitoring()
              .quality(
                  cur,
                  Expectations.builder()
                      .notNull("customer_id")
                      .unique("customer_id")
                      .range("age", 18, 120)
                      .allowedValues("plan", Set.of("free", "pro", "enterprise"))
                      .regex("email", "[^@]+@[^@]+")
                      .rowCount(1, 10_000_000)
                      .build());
      assertThat(q.passed()).isTrue();
      assertThat(m.monitoring().history("churn")).isEmpty();
    }
  }
}
