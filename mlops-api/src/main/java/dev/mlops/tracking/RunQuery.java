package dev.mlops.tracking;

import dev.mlops.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A run search: experiments, an MLflow filter, an order, a page size. Immutable; each call returns
 * a new query.
 *
 * <pre>{@code
 * RunQuery.in("churn")
 *     .filter("metrics.accuracy > 0.9 and params.lr = '0.01'")
 *     .orderBy("metrics.accuracy DESC", "attributes.start_time")
 *     .limit(100)
 * }</pre>
 */
public final class RunQuery {
  /** The largest page size, as MLflow. */
  public static final int MAX_LIMIT = 50_000;

  private final List<String> experiments;
  private final String filter;
  private final List<String> orderBy;
  private final int limit;
  private final String pageToken;
  private final RunView view;

  private RunQuery(
      List<String> experiments,
      String filter,
      List<String> orderBy,
      int limit,
      String pageToken,
      RunView view) {
    this.experiments = experiments;
    this.filter = filter;
    this.orderBy = orderBy;
    this.limit = limit;
    this.pageToken = pageToken;
    this.view = view;
  }

  /** Runs of the named experiments; none named means all experiments. */
  public static RunQuery in(String... experimentNames) {
    if (experimentNames == null) {
      throw new InvalidInputException("experiment", null, "experiment names (none for all)");
    }
    for (String n : experimentNames) {
      if (n == null || n.isBlank()) {
        throw new InvalidInputException("experiment", n, "a non-empty experiment name");
      }
    }
    return new RunQuery(List.of(experimentNames), "", List.of(), 1000, null, RunView.ACTIVE_ONLY);
  }

  /** Runs of every experiment. */
  public static RunQuery all() {
    return in();
  }

  /**
   * An MLflow filter string, e.g. {@code metrics.rmse < 1 and tags.team = 'growth'}; {@code ""}
   * matches every run.
   */
  public RunQuery filter(String filter) {
    if (filter == null) {
      throw new InvalidInputException("filter", null, "a filter string (\"\" matches every run)");
    }
    return new RunQuery(experiments, filter, orderBy, limit, pageToken, view);
  }

  /**
   * Order clauses such as {@code metrics.accuracy DESC}, each field at most once; ties fall back to
   * start time (newest first), then run id. Runs without the field come last in either direction,
   * after runs whose latest value of an ordered metric is NaN.
   */
  public RunQuery orderBy(String... clauses) {
    if (clauses == null || Arrays.asList(clauses).contains(null)) {
      throw new InvalidInputException(
          "orderBy",
          clauses == null ? null : Arrays.toString(clauses),
          "order clauses that are not null, e.g. 'metrics.accuracy DESC'");
    }
    return new RunQuery(experiments, filter, List.of(clauses), limit, pageToken, view);
  }

  /** Page size, 1 to {@value #MAX_LIMIT} (default 1000). */
  public RunQuery limit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", limit, "1 to " + MAX_LIMIT);
    }
    return new RunQuery(experiments, filter, orderBy, limit, pageToken, view);
  }

  /**
   * Continue after a previous page; {@code null} or {@code ""} (as MLflow's empty token) is the
   * first page.
   */
  public RunQuery pageToken(String token) {
    return new RunQuery(
        experiments, filter, orderBy, limit, token == null || token.isEmpty() ? null : token, view);
  }

  /** Which lifecycle stages to see (default active runs only). */
  public RunQuery view(RunView view) {
    if (view == null) {
      throw new InvalidInputException("view", null, "ACTIVE_ONLY, DELETED_ONLY or ALL");
    }
    return new RunQuery(experiments, filter, orderBy, limit, pageToken, view);
  }

  public List<String> experiments() {
    return experiments;
  }

  public String filter() {
    return filter;
  }

  public List<String> orderBy() {
    return orderBy;
  }

  public int limit() {
    return limit;
  }

  public Optional<String> pageToken() {
    return Optional.ofNullable(pageToken);
  }

  public RunView view() {
    return view;
  }

  @Override
  public String toString() {
    return "RunQuery{experiments="
        + experiments
        + ", filter='"
        + filter
        + "', orderBy="
        + orderBy
        + ", limit="
        + limit
        + ", view="
        + view
        + "}";
  }
}
