package dev.mlops.tracking.filter;

import java.util.List;

/** A literal on the right of a comparison. */
public sealed interface Value {

  /** A number, kept as written. */
  record Numeric(String text) implements Value {
    public double asDouble() {
      return Double.parseDouble(text);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** A quoted string. */
  record Text(String value) implements Value {
    @Override
    public String toString() {
      return quote(value);
    }
  }

  /** A parenthesised list of strings, for IN and NOT IN. */
  record TextList(List<String> values) implements Value {
    public TextList {
      values = List.copyOf(values);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < values.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
      }
      return sb.append(')').toString();
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
