package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the drift report in headless Chromium (skipped when /usr/bin/chromium is absent; CI
 * installs it): the DOM shows every column, the inline script ran, the console has no error. The
 * screenshot is kept in target/chromium/ as a build artifact.
 */
class HtmlReportChromiumIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  @TempDir Path profile;

  static Table table(Random r, double shift, int n) {
    double[] age = new double[n];
    double[] income = new double[n];
    List<String> plan = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      age[i] = 40 + 12 * r.nextGaussian() + shift * 8;
      income[i] = Math.exp(10 + 0.5 * r.nextGaussian());
      double u = r.nextDouble();
      plan.add(u < 0.5 - shift * 0.2 ? "free" : u < 0.85 ? "pro" : "enterprise <b>");
    }
    return Table.builder()
        .numeric("age", age)
        .numeric("income", income)
        .categorical("plan", plan)
        .build();
  }

  /** Writes a sample report: what the README picture shows. */
  static Path writeSample(Path file) {
    Random r = new Random(42);
    Table ref = table(r, 0, 800);
    Table cur = table(r, 1, 600);
    Table curWithGap =
        Table.builder()
            .numeric("age", cur.numeric("age"))
            .numeric("income", cur.numeric("income"))
            .categorical("plan", cur.strings("plan"))
            .build();
    Table refWithExtra =
        Table.builder()
            .numeric("age", ref.numeric("age"))
            .numeric("income", ref.numeric("income"))
            .categorical("plan", ref.strings("plan"))
            .numeric("tenure", new Random(1).doubles(800).toArray())
            .build();
    DriftEngine.drift(refWithExtra, curWithGap, DriftOptions.defaults().method("income", "psi"))
        .writeHtml(file);
    return file;
  }

  @Test
  void reportRendersInHeadlessChromiumWithoutConsoleErrors() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "chromium not installed (apt-get install chromium)");
    Path out = Path.of("target", "chromium").toAbsolutePath();
    Files.createDirectories(out);
    Path html = writeSample(out.resolve("drift-report.html"));
    String page = Files.readString(html);
    assertThat(page)
        .doesNotContain("src=\"http", "href=\"http", "url(http", "<link rel=\"stylesheet");

    Result dom = run(profile.resolve("a"), "--dump-dom", html.toUri().toString());
    assertThat(dom.exit).as(dom.err).isZero();
    assertThat(dom.out).contains("data-rendered=\"4\"");
    for (String col : List.of("age", "income", "plan", "tenure")) {
      assertThat(dom.out).contains("data-column=\"" + col + "\"");
    }
    assertThat(dom.out).contains("column missing from current").contains("<svg");
    assertThat(dom.out).doesNotContain("enterprise <b>"); // escaped
    assertNoConsoleErrors(dom.err);

    Path png = out.resolve("drift-report.png");
    Files.deleteIfExists(png);
    Result shot =
        run(
            profile.resolve("b"),
            "--screenshot=" + png,
            "--window-size=1100,1500",
            "--hide-scrollbars",
            html.toUri().toString());
    assertThat(shot.exit).as(shot.err).isZero();
    assertThat(png).exists();
    byte[] head = Files.readAllBytes(png);
    assertThat(head.length).isGreaterThan(10_000);
    assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    assertNoConsoleErrors(shot.err);
  }

  static void assertNoConsoleErrors(String stderr) {
    for (String line : stderr.split("\n")) {
      if (line.contains("CONSOLE")) {
        assertThat(line).as("console message").doesNotContainIgnoringCase("error");
        assertThat(line).as("console message").doesNotContain("Uncaught");
      }
    }
  }

  record Result(int exit, String out, String err) {}

  static Result run(Path userDataDir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(CHROMIUM.toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--user-data-dir=" + userDataDir));
    cmd.addAll(List.of(args));
    Path outFile = Files.createTempFile(userDataDir.getParent(), "out", ".txt");
    Path errFile = Files.createTempFile(userDataDir.getParent(), "err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(outFile.toFile())
            .redirectError(errFile.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s");
    }
    return new Result(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
  }
}
