package dev.mlops.samples;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Generates the synthetic customer-churn table the demo ships ({@code
 * samples/src/main/resources/dev/mlops/samples/churn.csv}, 70 KB).
 *
 * <p>Each row is a customer: {@code tenure_months} uniform 1..72, {@code monthly_charges} normal
 * around 70 (sd 25, clipped to 18..120), {@code support_calls} Poisson-like around 1.5, {@code
 * contract} month-to-month (55%), one-year (25%) or two-year (20%), {@code age} uniform 18..80. The
 * label {@code churned} is drawn from a logistic model: churn is likelier with short tenure, high
 * charges, many support calls and a month-to-month contract. With {@code shift = true} the
 * generator produces the "drifted" traffic the demo sends to the served model: charges around 95
 * and more support calls.
 *
 * <p>To regenerate the shipped file (seed 42, 2000 rows; {@code ChurnDataGeneratorTest} checks that
 * the result is byte for byte the shipped one), from the repository root with Java 17 only:
 *
 * <pre>
 * java samples/src/main/java/dev/mlops/samples/ChurnDataGenerator.java \
 *     samples/src/main/resources/dev/mlops/samples/churn.csv 2000 42
 * </pre>
 */
public final class ChurnDataGenerator {
  /** The CSV header. */
  public static final String HEADER =
      "customer_id,tenure_months,monthly_charges,support_calls,contract,age,churned";

  private static final String[] CONTRACTS = {"month-to-month", "one-year", "two-year"};

  private final Random random;
  private final boolean shift;
  private int nextId = 1;

  /** A generator; {@code shift} makes the drifted population. */
  public ChurnDataGenerator(long seed, boolean shift) {
    this.random = new Random(seed);
    this.shift = shift;
  }

  /** One customer as a CSV line (without newline). */
  public String nextRow() {
    int tenure = 1 + random.nextInt(72);
    double charges = clip((shift ? 95 : 70) + 25 * random.nextGaussian(), 18, 120);
    int calls = poisson(shift ? 3.0 : 1.5);
    double u = random.nextDouble();
    String contract = u < 0.55 ? CONTRACTS[0] : u < 0.80 ? CONTRACTS[1] : CONTRACTS[2];
    int age = 18 + random.nextInt(63);
    double z =
        -1.0
            - 0.05 * (tenure - 36)
            + 0.03 * (charges - 70)
            + 0.45 * (calls - 1.5)
            + (contract.equals(CONTRACTS[0]) ? 1.2 : contract.equals(CONTRACTS[1]) ? -0.3 : -1.2)
            - 0.005 * (age - 49);
    int churned = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    return String.format(
        Locale.ROOT,
        "C%05d,%d,%.2f,%d,%s,%d,%d",
        nextId++,
        tenure,
        charges,
        calls,
        contract,
        age,
        churned);
  }

  private int poisson(double lambda) {
    double l = Math.exp(-lambda);
    double p = 1;
    int k = 0;
    do {
      k++;
      p *= random.nextDouble();
    } while (p > l);
    return k - 1;
  }

  private static double clip(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Writes {@code rows} customers to {@code file}. */
  public void write(Path file, int rows) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (int i = 0; i < rows; i++) {
        w.write(nextRow());
        w.write('\n');
      }
    }
  }

  /** Arguments: output file, rows (default 2000), seed (default 42). */
  public static void main(String[] args) throws IOException {
    Path out =
        Path.of(
            args.length > 0 ? args[0] : "samples/src/main/resources/dev/mlops/samples/churn.csv");
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    new ChurnDataGenerator(seed, false).write(out, rows);
  }
}
