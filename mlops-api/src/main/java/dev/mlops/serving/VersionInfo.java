package dev.mlops.serving;

/**
 * One loaded model version of an endpoint. Immutable.
 *
 * @param version the version label ({@code ""} for a plain predictor)
 * @param role how it takes traffic
 * @param weight its share of the traffic (0 for a shadow)
 */
public record VersionInfo(String version, Role role, double weight) {
  /** How a version takes traffic. */
  public enum Role {
    /** Answers the traffic the canaries do not take. */
    PRIMARY,
    /** Answers a weighted share of the traffic. */
    CANARY,
    /** Gets a copy of the traffic; its answers are logged, never returned. */
    SHADOW
  }
}
