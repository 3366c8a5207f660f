package dev.mlops.tracking.internal;

import dev.mlops.InvalidInputException;
import java.util.regex.Pattern;

/** MLflow's key and value rules. Stateless. */
public final class Validation {
  public static final int MAX_KEY = 250;
  public static final int MAX_PARAM_VALUE = 6000;
  public static final int MAX_TAG_VALUE = 8000;
  public static final int MAX_EXPERIMENT_NAME = 256;
  public static final int MAX_RUN_NAME = 250;

  private static final String RUN_NAME_TAG = "mlflow.runName";

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-. /]*");

  private Validation() {}

  /** Checks a metric, param or tag key; {@code field} names it in the error ("metric key"). */
  public static String key(String field, String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException(field, key, "a non-empty key");
    }
    if (key.length() > MAX_KEY) {
      throw new InvalidInputException(field, key, "a key of at most " + MAX_KEY + " characters");
    }
    if (!KEY.matcher(key).matches()) {
      throw new InvalidInputException(
          field, key, "a key of letters, digits, '_', '-', '.', ' ' and '/' only");
    }
    if (key.startsWith("/") || key.startsWith("..") || !isNormalized(key)) {
      throw new InvalidInputException(
          field,
          key,
          "a normalized relative path: no leading '/', no '.' or '..' segments, no '//' or"
              + " trailing '/'");
    }
    return key;
  }

  private static boolean isNormalized(String key) {
    if (key.endsWith("/")) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Checks a param value. */
  public static String paramValue(String key, Object value) {
    if (value == null) {
      throw new InvalidInputException("param " + key, null, "a non-null value");
    }
    String s = String.valueOf(value);
    if (s.length() > MAX_PARAM_VALUE) {
      throw new InvalidInputException(
          "param " + key, s, "a value of at most " + MAX_PARAM_VALUE + " characters");
    }
    return s;
  }

  /**
   * Checks a tag value. {@code mlflow.runName} is the run's name (kept in step with it), so its
   * value follows the run name rules.
   */
  public static String tagValue(String key, String value) {
    if (value == null) {
      throw new InvalidInputException("tag " + key, null, "a non-null value");
    }
    if (RUN_NAME_TAG.equals(key) && (value.isBlank() || value.length() > MAX_RUN_NAME)) {
      throw new InvalidInputException(
          "tag " + key, value, "a non-empty run name of at most " + MAX_RUN_NAME + " characters");
    }
    if (value.length() > MAX_TAG_VALUE) {
      throw new InvalidInputException(
          "tag " + key, value, "a value of at most " + MAX_TAG_VALUE + " characters");
    }
    return value;
  }

  /** Checks an experiment name. */
  public static String experimentName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("experiment", name, "a non-empty experiment name");
    }
    if (name.length() > MAX_EXPERIMENT_NAME) {
      throw new InvalidInputException(
          "experiment", name, "a name of at most " + MAX_EXPERIMENT_NAME + " characters");
    }
    return name;
  }

  /** Checks a run name. */
  public static String runName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("runName", name, "a non-empty run name");
    }
    if (name.length() > MAX_RUN_NAME) {
      throw new InvalidInputException(
          "runName", name, "a name of at most " + MAX_RUN_NAME + " characters");
    }
    return name;
  }
}
