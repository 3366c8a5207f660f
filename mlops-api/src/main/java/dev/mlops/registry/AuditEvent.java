package dev.mlops.registry;

import java.time.Instant;

/**
 * One change to a registered model, as {@link ModelRegistry#history} returns it. Immutable.
 *
 * @param sequence the position in the registry's global event order (increasing)
 * @param name the model
 * @param version the version concerned; 0 for model-level events
 * @param action what happened
 * @param actor who did it (config key {@code user}, else the OS user)
 * @param at when
 * @param from the previous value (stage, alias target version, ...); "" when none
 * @param to the new value; "" when none
 * @param reason the reason given by the caller; "" when none
 */
public record AuditEvent(
    long sequence,
    String name,
    int version,
    Action action,
    String actor,
    Instant at,
    String from,
    String to,
    String reason) {

  /** Kinds of audit events. */
  public enum Action {
    /** A version was registered ({@code to}: its digest). */
    REGISTERED,
    /** A version's stage changed ({@code from}/{@code to}: stages). */
    STAGE_CHANGED,
    /** An alias was set or moved ({@code from}/{@code to}: "alias=version"). */
    ALIAS_SET,
    /** An alias was removed ({@code from}: "alias=version"). */
    ALIAS_DELETED,
    /** A version tag was set ({@code to}: "key=value"). */
    TAG_SET,
    /** A version was deleted (kept as a tombstone). */
    VERSION_DELETED,
    /** A model and all its versions were deleted. */
    MODEL_DELETED
  }
}
