package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Monitoring;
import dev.mlops.monitoring.Table;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@link Gate#noDrift} and {@link Gate#noInputDrift}. Immutable. */
final class DriftGate implements Gate {
  private final Table reference;
  private final String inputPath;
  private final Table current;

  DriftGate(Table reference, String inputPath, Table current) {
    if (current == null) {
      throw new InvalidInputException("current", null, "a Table of current data");
    }
    this.reference = reference;
    this.inputPath = inputPath;
    this.current = current;
  }

  @Override
  public GateResult evaluate(GateContext ctx) throws IOException {
    String name =
        reference != null
            ? "no data drift"
            : "no drift from training input " + (inputPath == null ? "" : inputPath);
    name = name.trim();
    Optional<Monitoring> monitoring = ctx.module(Monitoring.class);
    if (monitoring.isEmpty()) {
      return GateResult.fail(
          name, "mlops-monitoring is not on the classpath", "dataset drift = false");
    }
    Table ref = reference;
    if (ref == null) {
      Optional<DataVersion> input = pickInput(ctx.candidateLineage().inputs());
      if (input.isEmpty()) {
        return GateResult.fail(
            name,
            "candidate has "
                + (inputPath == null ? "no single CSV input" : "no input " + inputPath)
                + " in its lineage (inputs: "
                + ctx.candidateLineage().inputs().stream().map(DataVersion::path).toList()
                + ")",
            "dataset drift = false");
      }
      Optional<Table> read = read(ctx, input.get());
      if (read.isEmpty()) {
        return GateResult.fail(
            name,
            "training data "
                + input.get().path()
                + " (md5 "
                + input.get().md5()
                + ") is neither unchanged in the workspace nor readable through mlops-versioning",
            "dataset drift = false");
      }
      ref = read.get();
    }
    DriftReport report = monitoring.get().drift(ref, current);
    String actual =
        "dataset drift = "
            + report.datasetDrift()
            + " (drift share "
            + report.driftShare()
            + ", drifted columns "
            + report.columns().stream().filter(c -> c.drifted()).map(c -> c.column()).toList()
            + ")";
    return new GateResult(name, !report.datasetDrift(), actual, "dataset drift = false");
  }

  private Optional<DataVersion> pickInput(List<DataVersion> inputs) {
    if (inputPath != null) {
      return inputs.stream().filter(d -> d.path().equals(inputPath)).findFirst();
    }
    List<DataVersion> csv =
        inputs.stream()
            .filter(d -> !d.isDirectory() && d.path().toLowerCase(Locale.ROOT).endsWith(".csv"))
            .toList();
    return csv.size() == 1 ? Optional.of(csv.get(0)) : Optional.empty();
  }

  private static Optional<Table> read(GateContext ctx, DataVersion v) throws IOException {
    Path file = ctx.workspace().resolve(v.path()).normalize();
    if (file.startsWith(ctx.workspace())
        && Files.isRegularFile(file)
        && md5(file).equals(v.md5())) {
      return Optional.of(Table.readCsv(file));
    }
    Optional<DataVersioning> data = ctx.module(DataVersioning.class);
    if (data.isEmpty()) {
      return Optional.empty();
    }
    Path tmp = Files.createTempFile("mlops-drift-", ".csv");
    try (InputStream in = data.get().open(v)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(Table.readCsv(tmp));
    } catch (dev.mlops.NotFoundException e) {
      return Optional.empty();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String md5(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
