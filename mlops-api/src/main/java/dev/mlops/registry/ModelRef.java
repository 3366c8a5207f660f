package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A parsed reference to one model version. Immutable and thread-safe.
 *
 * <p>Accepted forms ({@link #GRAMMAR}):
 *
 * <ul>
 *   <li>{@code name@3} or {@code name@v3}: version 3
 *   <li>{@code name@v1.2.0}: the version labelled with that SemVer
 *   <li>{@code name@latest} (or a bare {@code name}): the highest live version number
 *   <li>{@code name@champion}: the version the alias points at
 *   <li>{@code name#production}: the version holding the stage (case-insensitive)
 *   <li>{@code models:/name/3}, {@code models:/name/latest}, {@code models:/name/Production},
 *       {@code models:/name@champion}: the MLflow URI forms
 * </ul>
 *
 * @param name the model name
 * @param kind how the version is selected
 * @param selector the version number, SemVer label, alias or stage; {@code "latest"} for LATEST
 */
public record ModelRef(String name, Kind kind, String selector) {
  /** The accepted grammar, quoted in every parse error. */
  public static final String GRAMMAR =
      "a model reference: name@<version number>, name@v<version number>, name@v<semver>,"
          + " name@latest, name@<alias>, name#<stage>, models:/name/<version|stage|latest> or"
          + " models:/name@<alias>; a name is 1-256 of [A-Za-z0-9._-], starting and ending with a"
          + " letter or digit";

  /** Model names: letters, digits, '.', '_', '-'; starts and ends alphanumeric; no "..". */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?");

  /** The SemVer 2.0 grammar with a leading {@code v}, as GTO uses for versions. */
  public static final Pattern SEMVER_PATTERN =
      Pattern.compile(
          "v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

  static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  static final Pattern STAGE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
  private static final Pattern V_DIGITS = Pattern.compile("[vV][0-9]+");

  /** How a reference selects its version. */
  public enum Kind {
    /** A version number. */
    VERSION,
    /** A SemVer label such as {@code v1.2.0}. */
    SEMVER,
    /** The highest live version number. */
    LATEST,
    /** A named alias such as {@code champion}. */
    ALIAS,
    /** The holder of a stage such as {@code production}. */
    STAGE
  }

  /** Validates the parts; prefer {@link #parse} or the factories. */
  public ModelRef {
    if (kind == null) {
      throw new InvalidInputException("kind", null, "one of " + List.of(Kind.values()));
    }
    validateName(name);
    if (selector == null) {
      throw new InvalidInputException("ref", null, GRAMMAR);
    }
    switch (kind) {
      case VERSION:
        if (!DIGITS.matcher(selector).matches() || Integer.parseInt(selector) < 1) {
          throw new InvalidInputException("version", selector, "a version number from 1");
        }
        selector = String.valueOf(Integer.parseInt(selector));
        break;
      case SEMVER:
        if (!SEMVER_PATTERN.matcher(selector).matches()) {
          throw new InvalidInputException(
              "semver", selector, "v<MAJOR>.<MINOR>.<PATCH>[-prerelease][+build] (SemVer 2.0)");
        }
        break;
      case LATEST:
        selector = "latest";
        break;
      case ALIAS:
        validateAlias(selector);
        break;
      case STAGE:
        selector = validateStage(selector);
        break;
    }
  }

  /**
   * Parses a reference in any accepted form.
   *
   * @throws InvalidInputException stating {@link #GRAMMAR} when {@code ref} is malformed
   */
  public static ModelRef parse(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw new InvalidInputException("ref", ref, GRAMMAR);
    }
    try {
      if (ref.startsWith("models:/")) {
        return parseUri(ref, ref.substring("models:/".length()));
      }
      int at = ref.indexOf('@');
      int hash = ref.indexOf('#');
      if (at >= 0 && hash >= 0) {
        throw new InvalidInputException("ref", ref, GRAMMAR);
      }
      if (at >= 0) {
        return atSelector(ref.substring(0, at), ref.substring(at + 1));
      }
      if (hash >= 0) {
        return new ModelRef(ref.substring(0, hash), Kind.STAGE, ref.substring(hash + 1));
      }
      return new ModelRef(ref, Kind.LATEST, "latest");
    } catch (InvalidInputException e) {
      if (e.field().equals("ref")) {
        throw e;
      }
      throw new InvalidInputException("ref", ref, GRAMMAR + " (" + e.getMessage() + ")", e);
    }
  }

  private static ModelRef parseUri(String ref, String rest) {
    int at = rest.indexOf('@');
    int slash = rest.indexOf('/');
    if (at >= 0 && slash < 0) {
      return atSelector(rest.substring(0, at), rest.substring(at + 1));
    }
    if (slash < 0 || at >= 0) {
      throw new InvalidInputException("ref", ref, GRAMMAR);
    }
    String name = rest.substring(0, slash);
    String sel = rest.substring(slash + 1);
    if (DIGITS.matcher(sel).matches()) {
      return new ModelRef(name, Kind.VERSION, sel);
    }
    if (sel.equalsIgnoreCase("latest")) {
      return new ModelRef(name, Kind.LATEST, "latest");
    }
    return new ModelRef(name, Kind.STAGE, sel);
  }

  private static ModelRef atSelector(String name, String sel) {
    if (DIGITS.matcher(sel).matches()) {
      return new ModelRef(name, Kind.VERSION, sel);
    }
    if (V_DIGITS.matcher(sel).matches()) {
      return new ModelRef(name, Kind.VERSION, sel.substring(1));
    }
    if (sel.equalsIgnoreCase("latest")) {
      return new ModelRef(name, Kind.LATEST, "latest");
    }
    if (sel.indexOf('.') >= 0) {
      return new ModelRef(name, Kind.SEMVER, validateSemver(sel));
    }
    return new ModelRef(name, Kind.ALIAS, sel);
  }

  /** A reference to a version number. */
  public static ModelRef version(String name, int version) {
    return new ModelRef(name, Kind.VERSION, String.valueOf(version));
  }

  /** A reference to the holder of a stage. */
  public static ModelRef stage(String name, String stage) {
    return new ModelRef(name, Kind.STAGE, stage);
  }

  /** A reference to the target of an alias. */
  public static ModelRef alias(String name, String alias) {
    return new ModelRef(name, Kind.ALIAS, alias);
  }

  /** A reference to the highest live version. */
  public static ModelRef latest(String name) {
    return new ModelRef(name, Kind.LATEST, "latest");
  }

  /** The version number for a {@link Kind#VERSION} reference; empty otherwise. */
  public OptionalInt versionNumber() {
    return kind == Kind.VERSION ? OptionalInt.of(Integer.parseInt(selector)) : OptionalInt.empty();
  }

  /** The canonical text form, which {@link #parse} reads back to an equal reference. */
  @Override
  public String toString() {
    switch (kind) {
      case STAGE:
        return name + "#" + selector;
      default:
        return name + "@" + selector;
    }
  }

  /**
   * Checks a model name: 1-256 characters of letters, digits, {@code .}, {@code _} and {@code -},
   * starting and ending with a letter or digit, without {@code ..}.
   *
   * @throws InvalidInputException otherwise
   */
  public static String validateName(String name) {
    if (name == null
        || name.length() > 256
        || !NAME.matcher(name).matches()
        || name.contains("..")) {
      throw new InvalidInputException(
          "name",
          name,
          "a model name of 1-256 characters from [A-Za-z0-9._-], starting and ending with a"
              + " letter or digit, without '..'");
    }
    return name;
  }

  /**
   * Checks an alias name: 1-255 of {@code [A-Za-z0-9_-]}, not {@code latest} (any case), not all
   * digits, not {@code v<digits>} (those are version references).
   *
   * @throws InvalidInputException otherwise
   */
  public static String validateAlias(String alias) {
    if (alias == null
        || !ALIAS.matcher(alias).matches()
        || alias.equalsIgnoreCase("latest")
        || DIGITS_ONLY.matcher(alias).matches()
        || V_DIGITS.matcher(alias).matches()) {
      throw new InvalidInputException(
          "alias",
          alias,
          "an alias of 1-255 characters from [A-Za-z0-9_-], not 'latest', not all digits and not"
              + " v<digits> (reserved for version references)");
    }
    return alias;
  }

  private static final Pattern DIGITS_ONLY = Pattern.compile("[0-9]+");

  /**
   * Checks a stage name and returns its canonical form: {@code None}, {@code Staging}, {@code
   * Production} and {@code Archived} match case-insensitively; other names (1-100 of {@code
   * [A-Za-z0-9_-]}, starting and ending alphanumeric) are kept as given.
   *
   * @throws InvalidInputException otherwise
   */
  public static String validateStage(String stage) {
    if (stage == null || !STAGE.matcher(stage).matches()) {
      throw new InvalidInputException(
          "stage",
          stage,
          "a stage name of 1-100 characters from [A-Za-z0-9_-], starting and ending with a letter"
              + " or digit (None, Staging, Production, Archived or a custom name)");
    }
    switch (stage.toLowerCase(Locale.ROOT)) {
      case "none":
        return "None";
      case "staging":
        return "Staging";
      case "production":
        return "Production";
      case "archived":
        return "Archived";
      default:
        return stage;
    }
  }

  /**
   * Checks a SemVer label ({@code v1.2.0} or {@code 1.2.0}) and returns it with the {@code v}
   * prefix.
   *
   * @throws InvalidInputException otherwise
   */
  public static String validateSemver(String label) {
    String v = label != null && !label.startsWith("v") ? "v" + label : label;
    if (v == null || v.length() > 100 || !SEMVER_PATTERN.matcher(v).matches()) {
      throw new InvalidInputException(
          "semver", label, "v<MAJOR>.<MINOR>.<PATCH>[-prerelease][+build] (SemVer 2.0)");
    }
    return v;
  }
}
