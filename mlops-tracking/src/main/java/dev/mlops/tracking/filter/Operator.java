package dev.mlops.tracking.filter;

/** A comparison operator of the filter grammar. */
public enum Operator {
  EQ("="),
  NE("!="),
  GT(">"),
  GE(">="),
  LT("<"),
  LE("<="),
  LIKE("LIKE"),
  ILIKE("ILIKE"),
  IN("IN"),
  NOT_IN("NOT IN");

  private final String text;

  Operator(String text) {
    this.text = text;
  }

  /** How the operator is written. */
  public String text() {
    return text;
  }

  boolean isComparison() {
    return this == EQ || this == NE || this == GT || this == GE || this == LT || this == LE;
  }

  boolean isList() {
    return this == IN || this == NOT_IN;
  }
}
