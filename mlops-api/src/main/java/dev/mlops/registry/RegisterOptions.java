package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Optional attributes of a new model version. Immutable and thread-safe; build with {@link
 * #builder()}.
 *
 * <pre>{@code
 * RegisterOptions.builder().semver("v1.2.0").description("gbm, 400 trees").tag("team", "growth")
 *     .signature(sig).reason("weekly retrain").build()
 * }</pre>
 */
public final class RegisterOptions {
  private static final RegisterOptions NONE = new Builder().build();

  private final String semver;
  private final String description;
  private final Map<String, String> tags;
  private final ModelSignature signature;
  private final String reason;

  private RegisterOptions(Builder b) {
    this.semver = b.semver;
    this.description = b.description;
    this.tags = Map.copyOf(b.tags);
    this.signature = b.signature;
    this.reason = b.reason;
  }

  /** No options. */
  public static RegisterOptions none() {
    return NONE;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The SemVer label ({@code v1.2.0}), unique among the model's live versions. */
  public Optional<String> semver() {
    return Optional.ofNullable(semver);
  }

  /** The description; "" when none. */
  public String description() {
    return description;
  }

  /** The version's tags. */
  public Map<String, String> tags() {
    return tags;
  }

  /** The input/output schema. */
  public Optional<ModelSignature> signature() {
    return Optional.ofNullable(signature);
  }

  /** The reason recorded in the audit history; "" when none. */
  public String reason() {
    return reason;
  }

  /** Builds {@link RegisterOptions}. Not thread-safe. */
  public static final class Builder {
    private String semver;
    private String description = "";
    private final Map<String, String> tags = new LinkedHashMap<>();
    private ModelSignature signature;
    private String reason = "";

    private Builder() {}

    /** A SemVer label, {@code v1.2.0} or {@code 1.2.0}. */
    public Builder semver(String label) {
      this.semver = ModelRef.validateSemver(label);
      return this;
    }

    /** A description of at most 5000 characters. */
    public Builder description(String text) {
      if (text == null || text.length() > 5000) {
        throw new InvalidInputException("description", text, "a text of at most 5000 characters");
      }
      this.description = text;
      return this;
    }

    /** A tag (key at most 250 characters, value at most 5000). */
    public Builder tag(String key, String value) {
      Tags.validate(key, value);
      tags.put(key, value);
      return this;
    }

    /** The model's input/output schema. */
    public Builder signature(ModelSignature signature) {
      if (signature == null) {
        throw new InvalidInputException("signature", null, "a ModelSignature");
      }
      this.signature = signature;
      return this;
    }

    /** A reason for the audit history. */
    public Builder reason(String reason) {
      this.reason = Tags.reason(reason);
      return this;
    }

    /** The options. */
    public RegisterOptions build() {
      return new RegisterOptions(this);
    }
  }
}
