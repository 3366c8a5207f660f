package dev.mlops.tracking;

import dev.mlops.InvalidInputException;

/**
 * A search filter or order clause that does not follow MLflow's grammar; {@link #position()} is the
 * 0-based index of the offending character in {@link #value()}.
 */
public class InvalidFilterException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  private final int position;

  /**
   * @param field {@code filter} or {@code orderBy}
   * @param text the whole text that was parsed
   * @param position 0-based index of the error in {@code text}
   * @param problem what was expected there, e.g. "an operator (=, !=, >, >=, <, <=)"
   */
  public InvalidFilterException(String field, String text, int position, String problem) {
    super(field, text, describe(text, position, problem));
    this.position = position;
  }

  /** The 0-based index of the error in the text. */
  public int position() {
    return position;
  }

  private static String describe(String text, int position, String problem) {
    String shown = text == null ? "" : text;
    if (shown.length() > 200) {
      int from = Math.max(0, position - 100);
      shown = shown.substring(from, Math.min(shown.length(), from + 200));
      position -= from;
    }
    return problem
        + " at position "
        + position
        + "\n  "
        + shown
        + "\n  "
        + " ".repeat(Math.max(0, Math.min(position, shown.length())))
        + "^";
  }
}
