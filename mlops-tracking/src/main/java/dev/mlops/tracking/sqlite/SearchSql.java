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

/**
 * Compiles a parsed filter and order into one parameterized SQL query over {@code runs r}. Only
 * whitelisted column names and fixed SQL text are concatenated; every key and value is a bound
 * parameter. Not thread-safe (one per query).
 */
final class SearchSql {
  private static final Map<String, String> COLUMNS =
      Map.of(
          "run_id", "r.run_id",
          "run_name", "r.name",
          "status", "r.status",
          "user_id", "r.user_id",
          "artifact_uri", "r.artifact_uri",
          "start_time", "r.start_time",
          "end_time", "r.end_time");

  private final List<Object> selectArgs = new ArrayList<>();
  private final List<Object> whereArgs = new ArrayList<>();
  private final StringBuilder select = new StringBuilder("SELECT r.run_id");
  private final List<Object> fromArgs = new ArrayList<>();
  private final StringBuilder where = new StringBuilder();
  private final StringBuilder order = new StringBuilder();
  private String from = " FROM runs r";

  /** The SQL selecting matching run ids in order, with LIMIT ? OFFSET ? at the end. */
  String sql() {
    return select
        + from
        + " WHERE 1 = 1"
        + where
        + " ORDER BY "
        + order
        + "r.start_time DESC, r.run_id ASC LIMIT ? OFFSET ?";
  }

  /** The bound parameters, in order, without limit and offset. */
  List<Object> args() {
    List<Object> all = new ArrayList<>(selectArgs);
    all.addAll(fromArgs);
    all.addAll(whereArgs);
    return all;
  }

  void experiments(List<Long> ids) {
    where.append(" AND r.experiment_id IN (").append(placeholders(ids.size())).append(')');
    whereArgs.addAll(ids);
  }

  void lifecycle(String stage) {
    where.append(" AND r.lifecycle_stage = ?");
    whereArgs.add(stage);
  }

  /**
   * Adds the filter. The most selective-looking clause on params, tags, metrics or datasets drives
   * the query (its index gives the candidate runs); the others are probed per candidate through
   * their primary keys, so a search never scans every run of a large experiment.
   */
  void filter(Filter filter) {
    List<Comparison> clauses = filter.clauses();
    int driverIndex = -1;
    for (int i = 0; i < clauses.size(); i++) {
      Comparison c = clauses.get(i);
      if (c.identifier().type() != EntityType.ATTRIBUTE
          && (driverIndex < 0 || rank(c) < rank(clauses.get(driverIndex)))) {
        driverIndex = i;
      }
    }
    if (driverIndex >= 0) {
      Comparison driver = clauses.get(driverIndex);
      StringBuilder saved = new StringBuilder(where);
      List<Object> savedArgs = new ArrayList<>(whereArgs);
      where.setLength(0);
      whereArgs.clear();
      candidates(driver);
      from = " FROM (" + where + ") cand JOIN runs r ON r.run_id = cand.run_id";
      fromArgs.addAll(whereArgs);
      where.setLength(0);
      where.append(saved);
      whereArgs.clear();
      whereArgs.addAll(savedArgs);
    }
    for (int i = 0; i < clauses.size(); i++) {
      if (i != driverIndex) {
        where.append(" AND ");
        clause(clauses.get(i));
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

  /** The run ids matching a clause on params, tags, metrics or datasets (no duplicates). */
  private void candidates(Comparison c) {
    Identifier id = c.identifier();
    switch (id.type()) {
      case METRIC:
        where.append("SELECT run_id FROM latest_metrics WHERE key = ? AND kind <> 1 AND value ");
        whereArgs.add(id.key());
        where.append(c.operator().text()).append(" ?");
        whereArgs.add(((Value.Numeric) c.value()).asDouble());
        return;
      case PARAM:
      case TAG:
        where
            .append("SELECT run_id FROM ")
            .append(id.type() == EntityType.PARAM ? "params" : "tags")
            .append(" WHERE key = ? AND ");
        whereArgs.add(id.key());
        textCondition("value", c);
        return;
      case DATASET:
      default:
        where.append("SELECT DISTINCT run_id FROM run_inputs WHERE ");
        textCondition(id.key().equals("name") ? "path" : "md5", c);
    }
  }

  void orderBy(List<OrderKey> keys) {
    int i = 0;
    for (OrderKey k : keys) {
      String alias = "o" + i++;
      select.append(", ").append(orderExpression(k.identifier())).append(" AS ").append(alias);
      order.append(alias).append(k.ascending() ? " ASC" : " DESC").append(" NULLS LAST, ");
    }
  }

  private String orderExpression(Identifier id) {
    switch (id.type()) {
      case METRIC:
        selectArgs.add(id.key());
        return "(SELECT CASE WHEN lm.kind = 1 THEN NULL ELSE lm.value END FROM latest_metrics lm"
            + " WHERE lm.run_id = r.run_id AND lm.key = ?)";
      case PARAM:
        selectArgs.add(id.key());
        return "(SELECT p.value FROM params p WHERE p.run_id = r.run_id AND p.key = ?)";
      case TAG:
        selectArgs.add(id.key());
        return "(SELECT t.value FROM tags t WHERE t.run_id = r.run_id AND t.key = ?)";
      case ATTRIBUTE:
        return COLUMNS.get(id.key());
      default:
        throw new IllegalArgumentException("cannot order by " + id);
    }
  }

  private void clause(Comparison c) {
    Identifier id = c.identifier();
    switch (id.type()) {
      case METRIC:
        where.append(
            "EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_id = r.run_id AND x.key = ?"
                + " AND x.kind <> 1 AND x.value ");
        whereArgs.add(id.key());
        where.append(c.operator().text()).append(" ?)");
        whereArgs.add(((Value.Numeric) c.value()).asDouble());
        return;
      case PARAM:
      case TAG:
        String table = id.type() == EntityType.PARAM ? "params" : "tags";
        where
            .append("EXISTS (SELECT 1 FROM ")
            .append(table)
            .append(" x WHERE x.run_id = r.run_id AND x.key = ? AND ");
        whereArgs.add(id.key());
        textCondition("x.value", c);
        where.append(')');
        return;
      case DATASET:
        String column = id.key().equals("name") ? "path" : "md5";
        where.append("r.run_id IN (SELECT run_id FROM run_inputs WHERE ");
        textCondition(column, c);
        where.append(')');
        return;
      case ATTRIBUTE:
      default:
        String col = COLUMNS.get(id.key());
        if (FilterParser.NUMERIC_ATTRIBUTES.contains(id.key())) {
          where.append(col).append(' ').append(c.operator().text()).append(" ?");
          whereArgs.add(Long.parseLong(((Value.Numeric) c.value()).text().replace("+", "")));
        } else {
          textCondition(col, c);
        }
    }
  }

  private void textCondition(String column, Comparison c) {
    Operator op = c.operator();
    if (op == Operator.IN || op == Operator.NOT_IN) {
      List<String> values = ((Value.TextList) c.value()).values();
      where
          .append(column)
          .append(op == Operator.IN ? " IN (" : " NOT IN (")
          .append(placeholders(values.size()))
          .append(')');
      whereArgs.addAll(values);
      return;
    }
    String value = ((Value.Text) c.value()).value();
    switch (op) {
      case EQ:
        where.append(column).append(" = ?");
        whereArgs.add(value);
        return;
      case NE:
        where.append(column).append(" != ?");
        whereArgs.add(value);
        return;
      case LIKE:
        // SQLite's LIKE ignores ASCII case; MLflow's LIKE does not: use GLOB, which is exact
        where.append(column).append(" GLOB ?");
        whereArgs.add(likeToGlob(value));
        return;
      case ILIKE:
        where.append("lower(").append(column).append(") LIKE lower(?) ESCAPE '\\'");
        whereArgs.add(likeWithEscapes(value));
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
}
