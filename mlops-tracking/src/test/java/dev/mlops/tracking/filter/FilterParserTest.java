package dev.mlops.tracking.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.tracking.InvalidFilterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterParserTest {

  private static Comparison c(EntityType t, String key, Operator op, Value v) {
    return new Comparison(new Identifier(t, key), op, v);
  }

  @Test
  void parsesMlflowSyntax() {
    Filter f =
        FilterParser.parseFilter(
            "metrics.accuracy > 0.9 and params.lr = '0.01' AND tags.`team name` LIKE 'gr%'"
                + " and attr.run_id IN ('a', 'b') and metric.\"val-loss\" <= -1.5e-3"
                + " and parameters.opt != \"adam\" and created >= 1700000000000"
                + " and datasets.digest NOT IN ('x') and `run name` ILIKE '%cv%'");
    assertThat(f.clauses())
        .containsExactly(
            c(EntityType.METRIC, "accuracy", Operator.GT, new Value.Numeric("0.9")),
            c(EntityType.PARAM, "lr", Operator.EQ, new Value.Text("0.01")),
            c(EntityType.TAG, "team name", Operator.LIKE, new Value.Text("gr%")),
            c(EntityType.ATTRIBUTE, "run_id", Operator.IN, new Value.TextList(List.of("a", "b"))),
            c(EntityType.METRIC, "val-loss", Operator.LE, new Value.Numeric("-1.5e-3")),
            c(EntityType.PARAM, "opt", Operator.NE, new Value.Text("adam")),
            c(EntityType.ATTRIBUTE, "start_time", Operator.GE, new Value.Numeric("1700000000000")),
            c(EntityType.DATASET, "digest", Operator.NOT_IN, new Value.TextList(List.of("x"))),
            c(EntityType.ATTRIBUTE, "run_name", Operator.ILIKE, new Value.Text("%cv%")));
    assertThat(FilterParser.parseFilter("  ").clauses()).isEmpty();
    assertThat(
            FilterParser.parseFilter("tags.mlflow.parentRunId = 'x'").clauses().get(0).identifier())
        .isEqualTo(new Identifier(EntityType.TAG, "mlflow.parentRunId"));
    assertThat(FilterParser.parseFilter("params.note = 'it''s'").clauses().get(0).value())
        .isEqualTo(new Value.Text("it's"));
  }

  @Test
  void aListMayEndWithACommaAsMlflowsPythonTuple() {
    // MLflow reads the list with ast.literal_eval: ('a',) is a valid one-element tuple
    assertThat(FilterParser.parseFilter("attributes.run_id IN ('a',)").clauses().get(0).value())
        .isEqualTo(new Value.TextList(List.of("a")));
    assertThat(
            FilterParser.parseFilter("datasets.name NOT IN ('a', 'b' , )").clauses().get(0).value())
        .isEqualTo(new Value.TextList(List.of("a", "b")));
    for (String empty : new String[] {"attributes.run_id IN ()", "attributes.run_id IN (,)"}) {
      assertThatThrownBy(() -> FilterParser.parseFilter(empty))
          .as(empty)
          .isInstanceOf(InvalidFilterException.class);
    }
  }

  @Test
  void parsesOrderClauses() {
    assertThat(
            FilterParser.parseOrderBy(List.of("metrics.acc DESC", "params.lr", "start_time asc")))
        .containsExactly(
            new OrderKey(new Identifier(EntityType.METRIC, "acc"), false),
            new OrderKey(new Identifier(EntityType.PARAM, "lr"), true),
            new OrderKey(new Identifier(EntityType.ATTRIBUTE, "start_time"), true));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "metrics.acc > 'high'|14",
        "metrics.acc LIKE '1'|12",
        "params.lr > '1'|10",
        "params.lr = 1|12",
        "tags.t IN ('a')|7",
        "metrics.a > 1 or metrics.b > 1|14",
        "metrics.a > 1 and|17",
        "metrics.a 1|10",
        "foo.bar = 'x'|0",
        "nosuch = 'x'|0",
        "attributes.start_time > 'x'|24",
        "attributes.start_time > 1.5|24",
        "attributes.status IN ('a')|18",
        "params.lr = 'unterminated|12",
        "metrics.a > 1 ; DROP TABLE runs|14",
        "(metrics.a > 1)|0",
        "metrics.a > 1 and (metrics.b < 2)|18",
        "datasets.size = 'x'|0",
        "attributes.run_id IN 'a'|21",
        "attributes.run_id IN ('a' 'b')|26",
        "metrics. > 1|9",
        "metrics.x > 12abc|12",
      })
  void rejectsInvalidFiltersAtThePosition(String filter, int position) {
    assertThatThrownBy(() -> FilterParser.parseFilter(filter))
        .isInstanceOfSatisfying(
            InvalidFilterException.class,
            e -> {
              assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
              assertThat(e.field()).isEqualTo("filter");
              assertThat(e.getMessage()).contains("position " + position).contains("^");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "metrics.acc UP", "metrics.acc DESC extra", "datasets.name"})
  void rejectsInvalidOrderClauses(String clause) {
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of(clause)))
        .isInstanceOf(InvalidFilterException.class);
  }

  // -------------------------------------------------------------- seeded round trips

  private static final String KEY_CHARS = "abcXYZ019_-. /";
  private static final String TEXT_CHARS = "ab'\"%_ \\;-=()`éß\t,";

  private static String randomKey(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.append(KEY_CHARS.charAt(r.nextInt(KEY_CHARS.length())));
    }
    return sb.toString();
  }

  private static String randomText(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(10);
    for (int i = 0; i < n; i++) {
      sb.append(TEXT_CHARS.charAt(r.nextInt(TEXT_CHARS.length())));
    }
    return sb.toString();
  }

  private static String randomNumber(Random r) {
    switch (r.nextInt(4)) {
      case 0:
        return String.valueOf(r.nextInt(2000) - 1000);
      case 1:
        return String.valueOf(r.nextDouble() * 100);
      case 2:
        return (r.nextBoolean() ? "-" : "")
            + r.nextInt(10)
            + "."
            + r.nextInt(1000)
            + "e-"
            + r.nextInt(9);
      default:
        return String.valueOf(r.nextLong() / 1000);
    }
  }

  private static <T> T pick(Random r, List<T> items) {
    return items.get(r.nextInt(items.size()));
  }

  static Comparison randomClause(Random r) {
    List<Operator> cmp =
        List.of(Operator.EQ, Operator.NE, Operator.GT, Operator.GE, Operator.LT, Operator.LE);
    List<Operator> text = List.of(Operator.EQ, Operator.NE, Operator.LIKE, Operator.ILIKE);
    switch (r.nextInt(6)) {
      case 0:
        return c(EntityType.METRIC, randomKey(r), pick(r, cmp), new Value.Numeric(randomNumber(r)));
      case 1:
        return c(EntityType.PARAM, randomKey(r), pick(r, text), new Value.Text(randomText(r)));
      case 2:
        return c(EntityType.TAG, randomKey(r), pick(r, text), new Value.Text(randomText(r)));
      case 3:
        return c(
            EntityType.ATTRIBUTE,
            pick(r, List.of("start_time", "end_time")),
            pick(r, cmp),
            new Value.Numeric(String.valueOf(r.nextInt(Integer.MAX_VALUE))));
      case 4:
        if (r.nextBoolean()) {
          List<String> values = new ArrayList<>();
          for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            values.add(randomText(r));
          }
          return c(
              EntityType.ATTRIBUTE,
              "run_id",
              r.nextBoolean() ? Operator.IN : Operator.NOT_IN,
              new Value.TextList(values));
        }
        return c(
            EntityType.ATTRIBUTE,
            pick(r, List.of("run_name", "status", "user_id", "artifact_uri", "run_id")),
            pick(r, text),
            new Value.Text(randomText(r)));
      default:
        return c(
            EntityType.DATASET,
            pick(r, List.of("name", "digest")),
            pick(r, text),
            new Value.Text(randomText(r)));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
  void randomFiltersRoundTripThroughParsePrintParse(long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < 300; i++) {
      List<Comparison> clauses = new ArrayList<>();
      for (int n = 1 + r.nextInt(4); n > 0; n--) {
        clauses.add(randomClause(r));
      }
      Filter original = new Filter(clauses);
      String printed = original.toString();
      Filter parsed;
      try {
        parsed = FilterParser.parseFilter(printed);
      } catch (InvalidFilterException e) {
        throw new AssertionError("seed " + seed + " iteration " + i + ": " + e.getMessage(), e);
      }
      assertThat(parsed).as("seed %d iteration %d: %s", seed, i, printed).isEqualTo(original);
      assertThat(FilterParser.parseFilter(parsed.toString()).toString())
          .as("seed %d iteration %d", seed, i)
          .isEqualTo(printed);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 77, 777})
  void randomGarbageNeverEscapesAsAnotherException(long seed) {
    Random r = new Random(seed);
    String alphabet = "metrics.params.tags'\"`()=<>!, andorINLIKE 0123.-e%_;\\";
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = r.nextInt(40); n > 0; n--) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String text = sb.toString();
      try {
        Filter f = FilterParser.parseFilter(text);
        assertThat(FilterParser.parseFilter(f.toString()))
            .as("seed %d: %s", seed, text)
            .isEqualTo(f);
      } catch (InvalidFilterException e) {
        assertThat(e.position()).as("seed %d: %s", seed, text).isBetween(0, text.length());
      }
    }
  }
}
