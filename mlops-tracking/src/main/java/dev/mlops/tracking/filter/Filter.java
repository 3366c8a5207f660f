package dev.mlops.tracking.filter;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed filter: clauses joined by AND. Immutable; {@link #toString()} prints it in canonical
 * form, which parses back to an equal filter.
 *
 * @param clauses the clauses; empty matches everything
 */
public record Filter(List<Comparison> clauses) {
  public Filter {
    clauses = List.copyOf(clauses);
  }

  @Override
  public String toString() {
    return clauses.stream().map(Comparison::toString).collect(Collectors.joining(" AND "));
  }
}
