package dev.mlops.registry;

import java.util.Optional;

/**
 * A version with the attributes {@link ModelVersion} does not carry. Immutable.
 *
 * @param version the version
 * @param semver its SemVer label, if any
 * @param description its description; "" when none
 * @param signature its input/output schema, if given
 * @param sizeBytes the total size of its files
 * @param fileCount the number of its files
 */
public record ModelVersionDetails(
    ModelVersion version,
    Optional<String> semver,
    String description,
    Optional<ModelSignature> signature,
    long sizeBytes,
    int fileCount) {}
