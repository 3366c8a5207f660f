package dev.mlops.tracking.sqlite;

import dev.mlops.tracking.filter.Comparison;
import dev.mlops.tracking.filter.EntityType;
import dev.mlops.tracking.filter.Filter;
import dev.mlops.tracking.filter.FilterParser;
import dev.mlops.tracking.filter.Identifier;
import dev.mlops.tracking.filter.Operator;
import dev.mlops.tracking.filter.OrderKey;
import dev.mlops.tracking.filter.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a parsed search into parameterized SQL over the search tables of migration 3 ({@code
 * search_runs s}, probed by the integer run key {@code rk}). Only whitelisted column names and
 * fixed SQL text are concatenated; every key and value is a bound parameter. Immutable once built;
 * each method returns a new {@link Query}.
 *
 * <p>Two plans give the same rows in the same order:
 *
 * <ul>
 *   <li>{@link #filterDriven()}: the most selective-looking clause on params, tags, metrics or
 *       datasets gives the candidate runs through its {@code (key, value)} index; the other clauses
 *       are probed per candidate through primary keys; the matches are sorted.
 *   <li>{@link #orderWalk}: when the first order key is a metric, param or tag, its {@code (key,
 *       value)} index is walked in order and each entry probed against the filter, so a top-k
 *       search stops after k matches instead of sorting every match. It only sees runs that have a
 *       value for that key (runs with a NaN or no value come after, the other plan's job), and it
 *       is bounded to the entries up to a given value; the caller uses its answer only when it
 *       fills the page.
 * </ul>
 */
final class SearchSql {
  /** A SQL text and its bound parameters. */
  record Query(String sql, List<Object> args) {
    Query {
      args = List.copyOf(args);
    }
  }

  private static final Map<String, String> COLUMNS =
      Map.of(
          "run_id", "s.run_id",
          "run_name", "s.name",
          "status", "s.status",
          "user_id", "s.user_id",
          "artifact_uri", "s.artifact_uri",
          "start_time", "s.start_time",
          "end_time", "s.end_time");

  private final List<Long> experiments;
  private final String lifecycle;
  private final List<Comparison> clauses;
  private final List<OrderKey> order;
  private final int driverIndex;

  /**
   * @param experiments the experiment ids to search (empty: all)
   * @param lifecycle the lifecycle stage runs must be in, or null for any
   */
  SearchSql(List<Long> experiments, String lifecycle, Filter filter, List<OrderKey> order) {
    this.experiments = List.copyOf(experiments);
    this.lifecycle = lifecycle;
    this.clauses = List.copyOf(filter.clauses());
    this.order = List.copyOf(order);
    int driver = -1;
    for (int i = 0; i < clauses.size(); i++) {
      Comparison c = clauses.get(i);
      if (c.identifier().type() != EntityType.ATTRIBUTE
          && (driver < 0 || rank(c) < rank(clauses.get(driver)))) {
        driver = i;
      }
    }
    this.driverIndex = driver;
  }

  // ------------------------------------------------------------------ plans

  /**
   * The run ids matching the search in order, driven by the most selective clause; ends with {@code
   * LIMIT ? OFFSET ?} (not in the args).
   */
  Query filterDriven() {
    Builder b = new Builder();
    b.sql.append("SELECT s.run_id");
    appendOrderColumns(b, 0);
    String rk = "s.rk";
    if (driverIndex >= 0) {
      Builder cand = new Builder();
      candidates(cand, clauses.get(driverIndex));
      rk = "cand.rk";
      // CROSS JOIN fixes the loop order: the driver outside (SQLite would otherwise be free to
      // start from search_runs' experiment index and probe the driver per run)
      b.sql
          .append(" FROM (")
          .append(cand.sql)
          .append(") cand CROSS JOIN search_runs s ON s.rk = cand.rk");
      b.args.addAll(cand.args);
    } else {
      b.sql.append(" FROM search_runs s");
    }
    b.sql.append(" WHERE 1 = 1");
    appendConditions(b, rk, driverIndex, driverIndex >= 0);
    b.sql.append(" ORDER BY ");
    appendOrderTerms(b, 0);
    b.sql.append("s.start_time DESC, s.run_id ASC LIMIT ? OFFSET ?");
    return b.build();
  }

  /** Whether {@link #orderWalk} applies: the first order key is a metric, param or tag. */
  boolean walkable() {
    return !order.isEmpty() && table(order.get(0).identifier()).isPresent();
  }

  /** Whether a clause other than on attributes drives {@link #filterDriven()}. */
  boolean hasDriver() {
    return driverIndex >= 0;
  }

  /** Counts the driving clause's candidate runs, stopping at {@code cap}. */
  Query countDriver(int cap) {
    Builder b = new Builder();
    b.sql.append("SELECT count(*) FROM (");
    candidates(b, clauses.get(driverIndex));
    b.sql.append(" LIMIT ?)");
    b.args.add(cap);
    return b.build();
  }

  /**
   * The value of the first order key's {@code n}-th entry (1-based) in walk order, among all runs:
   * the bound of a walk over at most {@code n} index entries. No row when there are fewer.
   */
  Query walkBound(int n) {
    OrderKey first = order.get(0);
    Builder b = new Builder();
    b.sql
        .append("SELECT value FROM ")
        .append(table(first.identifier()).orElseThrow())
        .append(" WHERE key = ? AND value IS NOT NULL ORDER BY value")
        .append(first.ascending() ? " ASC" : " DESC")
        .append(" LIMIT 1 OFFSET ?");
    b.args.add(first.identifier().key());
    b.args.add(n - 1);
    return b.build();
  }

  /**
   * The run ids with a value for the first order key, up to {@code bound} (inclusive) in walk order
   * when present, that match the search, in the search's order; ends with {@code LIMIT ? OFFSET ?}.
   * Its rows are the search's first rows as long as it returns as many as asked for.
   */
  Query orderWalk(Optional<Object> bound) {
    OrderKey first = order.get(0);
    Builder b = new Builder();
    b.sql.append("SELECT s.run_id");
    appendOrderColumns(b, 1);
    b.sql
        .append(" FROM ")
        .append(table(first.identifier()).orElseThrow())
        .append(" w CROSS JOIN search_runs s ON s.rk = w.rk")
        .append(" WHERE w.key = ? AND w.value IS NOT NULL");
    b.args.add(first.identifier().key());
    if (bound.isPresent()) {
      b.sql.append(first.ascending() ? " AND w.value <= ?" : " AND w.value >= ?");
      b.args.add(bound.get());
    }
    appendConditions(b, "w.rk", -1, true);
    b.sql.append(" ORDER BY w.value").append(first.ascending() ? " ASC, " : " DESC, ");
    appendOrderTerms(b, 1);
    b.sql.append("s.start_time DESC, s.run_id ASC LIMIT ? OFFSET ?");
    return b.build();
  }

  // ------------------------------------------------------------------ pieces

  /**
   * Experiments, lifecycle and every clause but {@code skip}, probed by the run key {@code rk}.
   * When {@code driven}, the experiment index is kept out of the plan (unary {@code +}).
   */
  private void appendConditions(Builder b, String rk, int skip, boolean driven) {
    String s = driven ? "+s." : "s.";
    if (!experiments.isEmpty()) {
      b.sql
          .append(" AND ")
          .append(s)
          .append("experiment_id IN (")
          .append(placeholders(experiments.size()))
          .append(')');
      b.args.addAll(experiments);
    }
    if (lifecycle != null) {
      b.sql.append(" AND ").append(s).append("lifecycle_stage = ?");
      b.args.add(lifecycle);
    }
    for (int i = 0; i < clauses.size(); i++) {
      if (i != skip) {
        b.sql.append(" AND ");
        clause(b, clauses.get(i), rk);
      }
    }
  }

  /** Lower is more selective: equality on text first, ranges on metrics last. */
  private static int rank(Comparison c) {
    Operator op = c.operator();
    boolean metric = c.identifier().type() == EntityType.METRIC;
    if ((op == Operator.EQ || op == Operator.IN) && !metric) {
      return 0;
    }
    if (op == Operator.EQ) {
      return 1;
    }
    if (op == Operator.LIKE || op == Operator.ILIKE) {
      return 2;
    }
    return metric && op != Operator.NE ? 3 : 4;
  }

  private static Optional<String> table(Identifier id) {
    switch (id.type()) {
      case METRIC:
        return Optional.of("search_metrics");
      case PARAM:
        return Optional.of("search_params");
      case TAG:
        return Optional.of("search_tags");
      default:
        return Optional.empty();
    }
  }

  /** The run keys matching a clause on params, tags, metrics or datasets (no duplicates). */
  private static void candidates(Builder b, Comparison c) {
    Identifier id = c.identifier();
    switch (id.type()) {
      case METRIC:
        // NaN is NULL in search_metrics: no comparison matches it
        b.sql.append("SELECT rk FROM search_metrics WHERE key = ? AND value ");
        b.args.add(id.key());
        b.sql.append(c.operator().text()).append(" ?");
        b.args.add(((Value.Numeric) c.value()).asDouble());
        return;
      case PARAM:
      case TAG:
        b.sql
            .append("SELECT rk FROM ")
            .append(table(id).orElseThrow())
            .append(" WHERE key = ? AND ");
        b.args.add(id.key());
        textCondition(b, "value", c);
        return;
      case DATASET:
      default:
        if (id.key().equals("context")) {
          // no dataset context is recorded: no run has one
          b.sql.append("SELECT rk FROM search_runs WHERE 0 = 1");
          return;
        }
        b.sql.append(
            "SELECT DISTINCT d.rk FROM run_inputs i JOIN search_runs d ON d.run_id = i.run_id"
                + " WHERE ");
        textCondition(b, id.key().equals("name") ? "i.path" : "i.md5", c);
    }
  }

  /**
   * Adds the ORDER BY terms of the order keys from {@code from} on, each followed by ", ". As
   * MLflow's stores, in either direction: runs with a value first, then runs whose latest value of
   * an ordered metric is NaN, then runs without the key (see {@link #orderExpression}).
   */
  private void appendOrderTerms(Builder b, int from) {
    for (int i = from; i < order.size(); i++) {
      String o = "o" + i;
      String dir = order.get(i).ascending() ? " ASC" : " DESC";
      if (order.get(i).identifier().type() == EntityType.METRIC) {
        b.sql
            .append(o)
            .append(" IS NULL, typeof(")
            .append(o)
            .append(") = 'text', ")
            .append(o)
            .append(dir)
            .append(", ");
      } else {
        b.sql.append(o).append(dir).append(" NULLS LAST, ");
      }
    }
  }

  /** Adds {@code , <expr> AS o<i>} for the order keys from {@code from} on. */
  private void appendOrderColumns(Builder b, int from) {
    for (int i = from; i < order.size(); i++) {
      b.sql
          .append(", ")
          .append(orderExpression(b, order.get(i).identifier()))
          .append(" AS o")
          .append(i);
    }
  }

  private static String orderExpression(Builder b, Identifier id) {
    Optional<String> table = table(id);
    if (id.type() == EntityType.METRIC) {
      // NaN (NULL in search_metrics) as '' (text): apart from both the values and a missing key
      b.args.add(id.key());
      return "(SELECT COALESCE(x.value, '') FROM search_metrics x WHERE x.rk = s.rk AND x.key = ?)";
    }
    if (table.isPresent()) {
      b.args.add(id.key());
      return "(SELECT x.value FROM " + table.get() + " x WHERE x.rk = s.rk AND x.key = ?)";
    }
    if (id.type() == EntityType.ATTRIBUTE) {
      return COLUMNS.get(id.key());
    }
    throw new IllegalArgumentException("cannot order by " + id);
  }

  /**
   * One clause as a condition on the run {@code rk}. Probes of params, tags and metrics compare
   * {@code +x.value}: the unary plus keeps SQLite (3.50+ turns EXISTS into joins) from answering a
   * probe with a range scan of the {@code (key, value)} index instead of one primary-key lookup.
   */
  private static void clause(Builder b, Comparison c, String rk) {
    Identifier id = c.identifier();
    switch (id.type()) {
      case METRIC:
        b.sql
            .append("EXISTS (SELECT 1 FROM search_metrics x WHERE x.rk = ")
            .append(rk)
            .append(" AND x.key = ? AND +x.value ");
        b.args.add(id.key());
        b.sql.append(c.operator().text()).append(" ?)");
        b.args.add(((Value.Numeric) c.value()).asDouble());
        return;
      case PARAM:
      case TAG:
        b.sql
            .append("EXISTS (SELECT 1 FROM ")
            .append(table(id).orElseThrow())
            .append(" x WHERE x.rk = ")
            .append(rk)
            .append(" AND x.key = ? AND ");
        b.args.add(id.key());
        textCondition(b, "+x.value", c);
        b.sql.append(')');
        return;
      case DATASET:
        if (id.key().equals("context")) {
          b.sql.append("0 = 1");
          return;
        }
        String column = id.key().equals("name") ? "path" : "md5";
        b.sql.append("s.run_id IN (SELECT run_id FROM run_inputs WHERE ");
        textCondition(b, column, c);
        b.sql.append(')');
        return;
      case ATTRIBUTE:
      default:
        String col = COLUMNS.get(id.key());
        if (FilterParser.NUMERIC_ATTRIBUTES.contains(id.key())) {
          b.sql.append(col).append(' ').append(c.operator().text()).append(" ?");
          b.args.add(Long.parseLong(((Value.Numeric) c.value()).text().replace("+", "")));
        } else {
          textCondition(b, col, c);
        }
    }
  }

  private static void textCondition(Builder b, String column, Comparison c) {
    Operator op = c.operator();
    if (op == Operator.IN || op == Operator.NOT_IN) {
      List<String> values = ((Value.TextList) c.value()).values();
      b.sql
          .append(column)
          .append(op == Operator.IN ? " IN (" : " NOT IN (")
          .append(placeholders(values.size()))
          .append(')');
      b.args.addAll(values);
      return;
    }
    String value = ((Value.Text) c.value()).value();
    switch (op) {
      case EQ:
        b.sql.append(column).append(" = ?");
        b.args.add(value);
        return;
      case NE:
        b.sql.append(column).append(" != ?");
        b.args.add(value);
        return;
      case LIKE:
        // SQLite's LIKE ignores ASCII case; MLflow's LIKE does not: use GLOB, which is exact
        b.sql.append(column).append(" GLOB ?");
        b.args.add(likeToGlob(value));
        return;
      case ILIKE:
        b.sql.append("lower(").append(column).append(") LIKE lower(?) ESCAPE '\\'");
        b.args.add(likeWithEscapes(value));
        return;
      default:
        throw new IllegalArgumentException("operator " + op + " on text");
    }
  }

  /** A SQL LIKE pattern ({@code %}, {@code _}) as an exact GLOB pattern. */
  static String likeToGlob(String like) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char ch = like.charAt(i);
      switch (ch) {
        case '%':
          sb.append('*');
          break;
        case '_':
          sb.append('?');
          break;
        case '*':
          sb.append("[*]");
          break;
        case '?':
          sb.append("[?]");
          break;
        case '[':
          sb.append("[[]");
          break;
        default:
          sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** A LIKE pattern with the escape character itself escaped (no other escapes in MLflow). */
  private static String likeWithEscapes(String like) {
    return like.replace("\\", "\\\\");
  }

  static String placeholders(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }

  /** SQL text and its arguments, appended in step. */
  private static final class Builder {
    final StringBuilder sql = new StringBuilder();
    final List<Object> args = new ArrayList<>();

    Query build() {
      return new Query(sql.toString(), args);
    }
  }
}
