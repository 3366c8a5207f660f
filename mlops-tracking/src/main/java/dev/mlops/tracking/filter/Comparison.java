package dev.mlops.tracking.filter;

import java.util.Objects;

/**
 * One clause: {@code identifier operator value}.
 *
 * @param identifier the field
 * @param operator the operator
 * @param value the literal
 */
public record Comparison(Identifier identifier, Operator operator, Value value) {
  public Comparison {
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return identifier + " " + operator.text() + " " + value;
  }
}
