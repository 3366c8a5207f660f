package dev.mlops.registry;

import dev.mlops.InvalidInputException;

/** Validation shared by the registry's value types. */
final class Tags {
  private Tags() {}

  static void validate(String key, String value) {
    if (key == null || key.isBlank() || key.length() > 250) {
      throw new InvalidInputException("tag key", key, "a non-blank key of at most 250 characters");
    }
    if (value == null || value.length() > 5000) {
      throw new InvalidInputException(
          "tag value", value, "a value of at most 5000 characters (not null)");
    }
  }

  static String reason(String reason) {
    if (reason == null || reason.length() > 1000) {
      throw new InvalidInputException("reason", reason, "a text of at most 1000 characters");
    }
    return reason;
  }
}
