package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.InvalidInputException;
import dev.mlops.StoreException;
import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.ColumnMapping;
import dev.mlops.monitoring.ColumnType;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvAndBadInputTest {
  @TempDir Path dir;

  Path csv(String content) throws IOException {
    Path p = dir.resolve("t" + System.nanoTime() + ".csv");
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  @Test
  void typesAreInferredAndEmptyFieldsAreMissing() throws IOException {
    Table t =
        Table.readCsv(
            csv(
                "a,b,c,d,e\n"
                    + "1,x,true,2024-01-02T03:04:05Z,\n"
                    + ",y,False,2024-01-03,\n"
                    + "2.5e1,,,,\n"));
    assertThat(t.rowCount()).isEqualTo(3);
    assertThat(t.type("a")).isEqualTo(ColumnType.NUMERIC);
    assertThat(t.type("b")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(t.type("c")).isEqualTo(ColumnType.BOOLEAN);
    assertThat(t.type("d")).isEqualTo(ColumnType.DATETIME);
    assertThat(t.type("e")).isEqualTo(ColumnType.NUMERIC); // all missing, as pandas
    assertThat(t.numeric("a")[1]).isNaN();
    assertThat(t.numeric("a")[2]).isEqualTo(25.0);
    assertThat(t.strings("b")).containsExactly("x", "y", null);
    assertThat(t.value(1, "c")).isEqualTo(false);
    assertThat(t.value(0, "d")).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
  }

  @Test
  void quotingBomCrlfShortRowsAndSpecialNumbers() throws IOException {
    Table t =
        Table.readCsv(
            csv(
                "\uFEFFname,v\r\n"
                    + "\"Smith, J\",nan\r\n"
                    + "\"multi\nline\",inf\r\n"
                    + "\"quote \"\"x\"\"\",-Infinity\r\n"
                    + "\r\n"
                    + "short\r\n"));
    assertThat(t.columnNames()).containsExactly("name", "v");
    assertThat(t.rowCount()).isEqualTo(4);
    assertThat(t.strings("name"))
        .containsExactly("Smith, J", "multi\nline", "quote \"x\"", "short");
    double[] v = t.numeric("v");
    assertThat(v[0]).isNaN();
    assertThat(v[1]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(v[2]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(v[3]).isNaN();
  }

  @Test
  void hexFloatsStayTextAsPandasReadsThem() throws IOException {
    // Double.parseDouble accepts "0x1p3" (= 8.0); pandas keeps it as a string
    Table t = Table.readCsv(csv("a,b\n0x1p3,1\n2,0X10P0\n"));
    assertThat(t.type("a")).isEqualTo(dev.mlops.monitoring.ColumnType.CATEGORICAL);
    assertThat(t.strings("a")).containsExactly("0x1p3", "2");
    assertThat(t.type("b")).isEqualTo(dev.mlops.monitoring.ColumnType.CATEGORICAL);
    assertThat(Table.parseNumber("0x1p3")).isNull();
  }

  @Test
  void headerOnlyGivesAnEmptyTableAndMappingOverridesTypes() throws IOException {
    Table empty = Table.readCsv(csv("a,b\n"));
    assertThat(empty.rowCount()).isZero();
    assertThat(empty.columnNames()).containsExactly("a", "b");
    Table zip =
        Table.readCsv(
            csv("zip,n\n01234,1\n98765,2\n"), ColumnMapping.builder().categorical("zip").build());
    assertThat(zip.type("zip")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(zip.strings("zip")).containsExactly("01234", "98765");
    Table num = Table.readCsv(csv("n\n1\n2\n"), ColumnMapping.builder().categorical("n").build());
    assertThat(num.type("n")).isEqualTo(ColumnType.CATEGORICAL);
  }

  @Test
  void malformedCsvIsRejectedClearly() throws IOException {
    Path emptyFile = csv("");
    assertThatThrownBy(() -> Table.readCsv(emptyFile))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("header");
    Path dup = csv("a,a\n1,2\n");
    assertThatThrownBy(() -> Table.readCsv(dup))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unique column names");
    Path blankName = csv("a,,c\n1,2,3\n");
    assertThatThrownBy(() -> Table.readCsv(blankName)).isInstanceOf(InvalidInputException.class);
    Path tooLong = csv("a,b\n1,2,3\n");
    assertThatThrownBy(() -> Table.readCsv(tooLong))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 2 fields");
    assertThatThrownBy(() -> Table.readCsv(dir.resolve("missing.csv")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no such file");
    Path notNumber = csv("a\nx\n");
    assertThatThrownBy(() -> Table.readCsv(notNumber, ColumnMapping.builder().numeric("a").build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("a number");
  }

  @Test
  void tablesFromRowsRecordsAndBuilderValidate() {
    record R(String city, int age, boolean active) {}
    Table t = Table.fromRecords(List.of(new R("Oslo", 31, true), new R("Rome", 45, false)));
    assertThat(t.type("city")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(t.type("age")).isEqualTo(ColumnType.NUMERIC);
    assertThat(t.type("active")).isEqualTo(ColumnType.BOOLEAN);
    Table rows = Table.fromRows(List.of(Map.of("a", 1, "b", "x"), Map.of("a", 2.5)));
    assertThat(rows.strings("b")).containsExactly("x", null);
    assertThat(rows.numeric("a")).containsExactly(1.0, 2.5);
    assertThatThrownBy(
            () ->
                Table.builder()
                    .numeric("a", new double[] {1, 2})
                    .categorical("b", List.of("x"))
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("like the other columns");
    assertThatThrownBy(() -> Table.fromRecords(List.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DriftOptions.defaults().method("x", "kstest"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ks");
    assertThatThrownBy(() -> DriftOptions.defaults().threshold("x", Double.NaN))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void emptyTablesAreRejected() {
    Table empty = Table.builder().numeric("a", new double[0]).build();
    Table one = Table.builder().numeric("a", new double[] {1}).build();
    assertThatThrownBy(() -> DriftEngine.drift(empty, one, DriftOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reference");
    assertThatThrownBy(() -> DriftEngine.drift(one, empty, DriftOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("current");
  }

  @Test
  void badColumnsAreReportedNotComputedWithAReason() {
    double[] nan = new double[50];
    Arrays.fill(nan, Double.NaN);
    double[] x = new double[50];
    double[] withInf = new double[50];
    for (int i = 0; i < 50; i++) {
      x[i] = i;
      withInf[i] = i % 10 == 0 ? Double.POSITIVE_INFINITY : i + 0.5;
    }
    List<String> cats = java.util.Collections.nCopies(50, "a");
    Table ref =
        Table.builder()
            .numeric("gone", x)
            .numeric("empty", nan)
            .numeric("typed", x)
            .numeric("inf", x)
            .categorical("many", cats)
            .build();
    Table cur =
        Table.builder()
            .numeric("empty", x)
            .categorical("typed", cats)
            .numeric("inf", withInf)
            .categorical("many", cats)
            .build();
    DriftReport d = DriftEngine.drift(ref, cur, DriftOptions.defaults().method("many", "ks"));
    assertThat(reason(d.column("gone"))).isEqualTo("column missing from current");
    assertThat(reason(d.column("empty"))).contains("no non-missing finite values in reference");
    assertThat(reason(d.column("typed"))).contains("type mismatch");
    assertThat(reason(d.column("many"))).contains("numeric columns only");
    ColumnDrift inf = d.column("inf");
    assertThat(inf.computed()).isTrue();
    JsonNode json = Json.read(d.toJson());
    JsonNode infJson = json.get("columns").get(3);
    assertThat(infJson.get("column").asText()).isEqualTo("inf");
    assertThat(infJson.get("current_dropped_non_finite").asInt()).isEqualTo(5);
    assertThat(infJson.get("current_size").asInt()).isEqualTo(45);
    assertThat(json.get("number_of_computed_columns").asInt()).isEqualTo(1);
    // not-computed columns are NaN, not drifted, and do not count in the share
    ColumnDrift gone = d.column("gone");
    assertThat(gone.drifted()).isFalse();
    assertThat(gone.statistic()).isNaN();
    assertThat(d.driftShare()).isEqualTo(inf.drifted() ? 1.0 : 0.0);
    Table three = Table.builder().categorical("c", List.of("a", "b", "c")).build();
    assertThat(
            reason(
                DriftEngine.drift(three, three, DriftOptions.defaults().method("z")).column("c")))
        .contains("at most 2 distinct values");
    Table two = Table.builder().categorical("c", List.of("a", "b")).build();
    assertThat(
            reason(
                DriftEngine.drift(
                        three.select("c"), two, DriftOptions.defaults().method("fisher_exact"))
                    .column("c")))
        .contains("at most 2");
  }

  private static String reason(ColumnDrift c) {
    assertThat(c.computed()).as(c.column()).isFalse();
    assertThat(c.drifted()).isFalse();
    return c.reason().orElseThrow();
  }
}
