package dev.mlops.tracking.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.spi.Database;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.RunMetric;
import dev.mlops.tracking.Page;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.filter.FilterParser;
import dev.mlops.tracking.filter.OrderKey;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random runs (missing keys, ties, NaN, infinities, -0.0, deleted runs) and random searches: every
 * page of {@code searchRuns} equals a brute-force evaluation in Java (ordering as MLflow's SQL and
 * file stores: values, then NaN, then missing keys, in both directions), and the ordered-walk plan,
 * whatever its bound, agrees with the filter-driven plan whenever it fills a page.
 */
class SearchPlanTest {
  private static final double[] SPECIAL = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 0.5, 1.0
  };
  private static final String[] TEXT = {"a", "ab", "b", "B", "a_b", "%x"};

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void plansAgreeWithABruteForceModel(long seed) {
    Random random = new Random(seed);
    String url = "jdbc:sqlite:" + dir.resolve("mlops.db");
    try (Database db = Database.open(url);
        SqliteTrackingStore store = new SqliteTrackingStore(db, false, dir.resolve("a").toUri())) {
      String exp = store.getOrCreateExperiment("e").id();
      String other = store.getOrCreateExperiment("other").id();
      long clock = 1000;
      for (int i = 0; i < 80; i++) {
        String e = random.nextInt(8) == 0 ? other : exp;
        Run r =
            store.createRun(new NewRun(e, "run-" + i, null, clock += random.nextInt(2), Map.of()));
        for (int k = 0; k < 3; k++) {
          if (random.nextInt(4) > 0) {
            store.logParams(r.id(), Map.of("p" + k, TEXT[random.nextInt(TEXT.length)]));
          }
          if (random.nextInt(4) > 0) {
            store.setTags(r.id(), Map.of("t" + k, TEXT[random.nextInt(TEXT.length)]));
          }
          if (random.nextInt(5) > 0) {
            List<RunMetric> points = new ArrayList<>();
            for (int p = random.nextInt(3); p >= 0; p--) {
              double v =
                  random.nextInt(3) == 0
                      ? SPECIAL[random.nextInt(SPECIAL.length)]
                      : random.nextInt(5) / 4.0;
              points.add(new RunMetric(r.id(), "m" + k, v, random.nextInt(3), random.nextInt(3)));
            }
            store.logMetrics(points);
          }
        }
        if (random.nextInt(10) == 0) {
          store.deleteRun(r.id());
        }
      }
      List<Run> all = store.searchRuns(RunQuery.in("e").limit(1000)).items();
      int walked = 0;
      for (int q = 0; q < 30; q++) {
        String filter = randomFilter(random, all);
        List<String> order = randomOrder(random);
        String message = "seed " + seed + ", filter '" + filter + "', order " + order;
        RunQuery query =
            RunQuery.in("e").filter(filter).orderBy(order.toArray(new String[0])).limit(1000);
        List<String> expected = expected(all, filter, order);
        List<String> actual = ids(store.searchRuns(query).items());
        assertThat(actual).as(message).isEqualTo(expected);
        int limit = 3 + random.nextInt(8);
        List<String> paged = new ArrayList<>();
        Page<Run> page = store.searchRuns(query.limit(limit));
        paged.addAll(ids(page.items()));
        while (page.nextPageToken().isPresent()) {
          page = store.searchRuns(query.limit(limit).pageToken(page.nextPageToken().get()));
          paged.addAll(ids(page.items()));
        }
        assertThat(paged).as(message + ", pages of " + limit).isEqualTo(expected);
        walked += walksAgree(db, Long.parseLong(exp), filter, order, expected, limit, message);
      }
      assertThat(walked).as("seed " + seed + ": walks that filled a page").isPositive();
    }
  }

  /**
   * Any bound and offset: a walk that fills its page returns the filter-driven page.
   *
   * @return how many walks filled their page
   */
  private static int walksAgree(
      Database db,
      long experiment,
      String filter,
      List<String> order,
      List<String> expected,
      int limit,
      String message) {
    List<OrderKey> keys = FilterParser.parseOrderBy(order);
    SearchSql sql =
        new SearchSql(List.of(experiment), "active", FilterParser.parseFilter(filter), keys);
    if (!sql.walkable()) {
      return 0;
    }
    int full = 0;
    for (int offset = 0; offset < Math.min(3 * limit, expected.size()); offset += limit) {
      List<String> page = expected.subList(offset, Math.min(expected.size(), offset + limit));
      assertThat(run(db, sql.filterDriven(), limit, offset)).as(message).isEqualTo(page);
      for (int n : new int[] {1, 3, 10, 40, 1000}) {
        Optional<Object> bound =
            db.read(
                c -> {
                  SearchSql.Query b = sql.walkBound(n);
                  try (PreparedStatement ps = c.prepareStatement(b.sql())) {
                    bind(ps, b.args());
                    try (ResultSet rs = ps.executeQuery()) {
                      return rs.next() ? Optional.ofNullable(rs.getObject(1)) : Optional.empty();
                    }
                  }
                });
        Optional<Object> asDouble =
            bound.map(v -> v instanceof Number ? (Object) ((Number) v).doubleValue() : v);
        List<String> walked = run(db, sql.orderWalk(asDouble), limit, offset);
        if (walked.size() == limit) {
          full++;
          assertThat(walked)
              .as(message + ", walk bound " + n + " offset " + offset)
              .isEqualTo(page);
        }
      }
    }
    return full;
  }

  private static List<String> run(Database db, SearchSql.Query q, int limit, int offset) {
    return db.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            bind(ps, q.args());
            ps.setInt(q.args().size() + 1, limit);
            ps.setInt(q.args().size() + 2, offset);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  private static void bind(PreparedStatement ps, List<Object> args) throws java.sql.SQLException {
    for (int i = 0; i < args.size(); i++) {
      ps.setObject(i + 1, args.get(i));
    }
  }

  private static List<String> ids(List<Run> runs) {
    return runs.stream().map(Run::id).collect(Collectors.toList());
  }

  // ------------------------------------------------------------------ random searches

  private static String randomFilter(Random random, List<Run> runs) {
    List<String> clauses = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      int k = random.nextInt(3);
      switch (random.nextInt(6)) {
        case 0:
          String[] ops = {"=", "!=", ">", ">=", "<", "<="};
          double[] values = {0, 0.25, 0.5, 1, -1};
          clauses.add(
              "metrics.m"
                  + k
                  + " "
                  + ops[random.nextInt(ops.length)]
                  + " "
                  + values[random.nextInt(values.length)]);
          break;
        case 1:
          clauses.add("params.p" + k + " = '" + TEXT[random.nextInt(TEXT.length)] + "'");
          break;
        case 2:
          String[] textOps = {"!=", "LIKE", "ILIKE"};
          String[] patterns = {"a%", "%b", "_", "a_b", "%x", "A%"};
          clauses.add(
              (random.nextBoolean() ? "params.p" : "tags.t")
                  + k
                  + " "
                  + textOps[random.nextInt(textOps.length)]
                  + " '"
                  + patterns[random.nextInt(patterns.length)]
                  + "'");
          break;
        case 3:
          clauses.add(
              "attributes.start_time >= "
                  + runs.get(random.nextInt(runs.size())).startTime().toEpochMilli());
          break;
        case 4:
          clauses.add("tags.t" + k + " = '" + TEXT[random.nextInt(TEXT.length)] + "'");
          break;
        default:
          clauses.add("metrics.m" + k + " > 0.2");
      }
    }
    return String.join(" and ", clauses);
  }

  private static List<String> randomOrder(Random random) {
    List<String> order = new ArrayList<>();
    String[] kinds = {"metrics.m", "params.p", "tags.t"};
    for (int i = random.nextInt(3); i >= 0; i--) {
      if (random.nextInt(6) == 0) {
        order.add("attributes.start_time" + (random.nextBoolean() ? " ASC" : ""));
      } else {
        order.add(
            kinds[random.nextInt(kinds.length)]
                + random.nextInt(3)
                + (random.nextBoolean() ? " DESC" : " ASC"));
      }
    }
    // a field at most once (MLflow rejects a repeated one); later repeats are dropped
    List<String> distinct = new ArrayList<>();
    for (String o : order) {
      String field = o.split(" ")[0];
      if (distinct.stream().noneMatch(d -> d.split(" ")[0].equals(field))) {
        distinct.add(o);
      }
    }
    return distinct;
  }

  // ------------------------------------------------------------------ the model

  private static List<String> expected(List<Run> runs, String filter, List<String> order) {
    Predicate<Run> matches = r -> true;
    if (!filter.isEmpty()) {
      for (String clause : filter.split(" and ")) {
        matches = matches.and(clause(clause));
      }
    }
    Comparator<Run> cmp = (a, b) -> 0;
    for (String o : order) {
      String[] parts = o.split(" ");
      boolean asc = parts.length == 1 || parts[1].equals("ASC");
      String id = parts[0];
      cmp = cmp.thenComparing((a, b) -> compareNullsLast(value(a, id), value(b, id), asc));
    }
    cmp =
        cmp.thenComparing(Run::startTime, Comparator.reverseOrder())
            .thenComparing(Run::id, Comparator.naturalOrder());
    return runs.stream().filter(matches).sorted(cmp).map(Run::id).collect(Collectors.toList());
  }

  /** The value ordered by: missing is null; a NaN metric is {@link #NAN}. */
  private static Object value(Run r, String id) {
    String key = id.substring(id.indexOf('.') + 1);
    if (id.startsWith("metrics.")) {
      Double v = r.metrics().get(key);
      return v != null && v.isNaN() ? NAN : v;
    }
    if (id.startsWith("params.")) {
      return r.params().get(key);
    }
    if (id.startsWith("tags.")) {
      return r.tags().get(key);
    }
    return r.startTime().toEpochMilli();
  }

  /** A NaN metric in the model: MLflow orders it after every value, before missing keys. */
  private static final Object NAN = "NaN";

  @SuppressWarnings("unchecked")
  private static int compareNullsLast(Object a, Object b, boolean asc) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    if (a == NAN || b == NAN) {
      return a == NAN ? (b == NAN ? 0 : 1) : -1;
    }
    int c;
    if (a instanceof Double) {
      double x = (Double) a;
      double y = (Double) b;
      c = x < y ? -1 : x > y ? 1 : 0; // SQL: -0.0 = 0.0
    } else {
      c = ((Comparable<Object>) a).compareTo(b);
    }
    return asc ? c : -c;
  }

  private static Predicate<Run> clause(String clause) {
    String[] p = clause.split(" ", 3);
    String id = p[0];
    String op = p[1];
    String key = id.substring(id.indexOf('.') + 1);
    if (id.startsWith("metrics.")) {
      double x = Double.parseDouble(p[2]);
      return r -> {
        Double v = r.metrics().get(key);
        if (v == null || v.isNaN()) {
          return false;
        }
        switch (op) {
          case "=":
            return v == x;
          case "!=":
            return v != x;
          case ">":
            return v > x;
          case ">=":
            return v >= x;
          case "<":
            return v < x;
          default:
            return v <= x;
        }
      };
    }
    if (id.startsWith("attributes.")) {
      long t = Long.parseLong(p[2]);
      return r -> r.startTime().toEpochMilli() >= t;
    }
    String literal = p[2].substring(1, p[2].length() - 1);
    return r -> {
      String v = id.startsWith("params.") ? r.params().get(key) : r.tags().get(key);
      if (v == null) {
        return false;
      }
      switch (op) {
        case "=":
          return v.equals(literal);
        case "!=":
          return !v.equals(literal);
        case "LIKE":
          return v.matches(likeRegex(literal));
        default:
          return v.toLowerCase(java.util.Locale.ROOT)
              .matches(likeRegex(literal.toLowerCase(java.util.Locale.ROOT)));
      }
    };
  }

  /** MLflow LIKE: {@code %} any run of characters, {@code _} one character. */
  private static String likeRegex(String like) {
    StringBuilder sb = new StringBuilder();
    for (char ch : like.toCharArray()) {
      sb.append(ch == '%' ? ".*" : ch == '_' ? "." : java.util.regex.Pattern.quote("" + ch));
    }
    return sb.toString();
  }
}
