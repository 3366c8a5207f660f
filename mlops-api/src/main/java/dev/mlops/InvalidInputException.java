package dev.mlops;

import java.util.Objects;

/**
 * Bad input from the caller. The message names the field, the value and what was expected; a call
 * that throws it has changed nothing.
 */
public class InvalidInputException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;

  /**
   * @param field the parameter, key or column that was wrong
   * @param value the rejected value (may be null)
   * @param expected what would have been accepted, e.g. "a key of at most 250 characters"
   */
  public InvalidInputException(String field, Object value, String expected) {
    this(field, value, expected, null);
  }

  public InvalidInputException(String field, Object value, String expected, Throwable cause) {
    super(format(field, value, expected), cause);
    this.field = Objects.requireNonNull(field, "field");
    this.value = value == null ? null : String.valueOf(value);
  }

  /** The parameter, key or column that was wrong. */
  public String field() {
    return field;
  }

  /** The rejected value as text, or null when it was null. */
  public String value() {
    return value;
  }

  private static String format(String field, Object value, String expected) {
    String shown = value == null ? "null" : "'" + abbreviate(String.valueOf(value)) + "'";
    return "invalid " + field + ": " + shown + "; expected " + expected;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
  }
}
