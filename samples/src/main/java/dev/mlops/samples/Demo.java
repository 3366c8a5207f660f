package dev.mlops.samples;

import dev.mlops.Mlops;
import dev.mlops.ProgressListener;
import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Table;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.StageContext;
import dev.mlops.pipeline.StageOutcome;
import dev.mlops.pipeline.StageResult;
import dev.mlops.registry.Gate;
import dev.mlops.registry.Lineage;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.PromotionResult;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.PredictionRecord;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunComparison;
import dev.mlops.tracking.RunQuery;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The end-to-end demo: version data, run a pipeline, sweep hyper-parameters as tracked runs,
 * register and promote the best model through a gate, serve it over HTTP from {@code
 * churn#production}, send it traffic (half of it drifted) and write a drift report of what it
 * served.
 *
 * <p>Run it with {@code mvn -B -q -Pdemo -DskipTests -pl samples -am package}; it works in {@code
 * ./demo} (the argument changes that) and can be re-run: the second run finds the pipeline up to
 * date and says so.
 */
public final class Demo {
  static final String[] FEATURES = {
    "tenure_months", "monthly_charges", "support_calls", "contract", "age"
  };
  private static final double[] SWEEP_LR = {0.05, 0.2, 0.5, 1.5};

  private final PrintStream out;

  private Demo(PrintStream out) {
    this.out = out;
  }

  /** Argument: the workspace folder (default {@code demo}). */
  public static void main(String[] args) throws Exception {
    run(Path.of(args.length > 0 ? args[0] : "demo"), System.out);
  }

  /** Runs the demo in {@code workspace}, printing its progress and summary to {@code out}. */
  public static void run(Path workspace, PrintStream out) throws Exception {
    new Demo(out).run(workspace.toAbsolutePath().normalize());
  }

  private void run(Path ws) throws Exception {
    long start = System.nanoTime();
    Files.createDirectories(ws.resolve("data"));
    writeIfChanged(ws.resolve("data/churn.csv"), resource("churn.csv"));
    writeIfChanged(
        ws.resolve("params.yaml"),
        ("prepare:\n  test_fraction: 0.25\n  seed: 7\n"
                + "train:\n  lr: 0.5\n  l2: 0.001\n  epochs: 300\n")
            .getBytes(StandardCharsets.UTF_8));

    try (Mlops m = Mlops.builder().home(ws.resolve(".mlops")).workspace(ws).build()) {
      step(1, "version the raw data");
      DataVersion raw = m.data().add(ws.resolve("data/churn.csv"), new ProgressBar(out));
      out.printf(
          "  data/churn.csv -> md5 %s, %d bytes (pointer data/churn.csv.dvc)%n",
          raw.md5(), raw.size());

      step(2, "pipeline prepare -> train -> evaluate");
      PipelineRun repro =
          m.pipelines().repro(pipeline(ws), ReproOptions.defaults().listener(new ProgressBar(out)));
      for (StageResult r : repro.stages()) {
        out.printf("  %-9s %-20s %s%n", r.stage(), r.outcome(), r.message());
      }
      if (!repro.succeeded()) {
        throw new IllegalStateException("the pipeline failed: " + repro.stages());
      }
      long ran = repro.stages().stream().filter(r -> r.outcome() == StageOutcome.RAN).count();
      long restored =
          repro.stages().stream()
              .filter(r -> r.outcome() == StageOutcome.RESTORED_FROM_CACHE)
              .count();
      out.println(
          ran == 0
              ? String.format(
                  Locale.ROOT,
                  "  pipeline cache re-used: no stage ran (%d up to date, %d restored from the"
                      + " run cache)",
                  repro.stages().size() - restored,
                  restored)
              : String.format(
                  Locale.ROOT,
                  "  %d of %d stages ran (%d restored from the run cache); outputs cached, dvc.lock"
                      + " written",
                  ran,
                  repro.stages().size(),
                  restored));

      step(3, "hyper-parameter sweep, one tracked run per learning rate");
      List<Customer> train = Customer.readCsv(ws.resolve("data/train.csv"));
      List<Customer> test = Customer.readCsv(ws.resolve("data/test.csv"));
      List<String> runIds = new ArrayList<>();
      // tags this execution's runs, so that search finds the best of this sweep on a re-run too
      String session = Long.toString(System.currentTimeMillis(), 36);
      for (double lr : SWEEP_LR) {
        Run run =
            m.tracking()
                .run(
                    "churn-sweep",
                    "lr-" + lr,
                    r -> {
                      r.param("lr", lr).param("l2", 0.001).param("epochs", 300).input(raw);
                      r.tag("demo_session", session);
                      ChurnModel model = null;
                      for (int epochs = 50; epochs <= 300; epochs += 50) {
                        model = ChurnModel.train(train, lr, 0.001, epochs);
                        r.metric("train_log_loss", model.logLoss(train), epochs);
                      }
                      r.metric("accuracy", model.accuracy(test));
                      r.metric("log_loss", model.logLoss(test));
                      Path dir = Files.createTempDirectory("churn-model");
                      model.save(dir.resolve("churn.model"));
                      r.artifact(dir.resolve("churn.model"), "model");
                    });
        runIds.add(run.id());
        out.printf(
            Locale.ROOT,
            "  run %d/%d %-8s accuracy %.4f  log_loss %.4f%n",
            runIds.size(),
            SWEEP_LR.length,
            run.name(),
            run.metrics().get("accuracy"),
            run.metrics().get("log_loss"));
      }
      RunComparison comparison = m.tracking().compare(runIds.toArray(String[]::new));
      out.print(indent(comparison.toTable()));
      List<Run> ranked =
          m.tracking()
              .search(
                  RunQuery.in("churn-sweep")
                      .filter(
                          "attributes.status = 'FINISHED' and tags.demo_session = '"
                              + session
                              + "'")
                      .orderBy("metrics.accuracy DESC", "metrics.log_loss ASC"))
              .items();
      Run best = ranked.get(0);
      out.printf(
          Locale.ROOT,
          "  best run by search: %s (accuracy %.4f)%n",
          best.name(),
          best.metrics().get("accuracy"));

      step(4, "register the best model and promote it through a gate");
      ModelVersion candidate =
          m.registry().register("churn", ModelSource.ofRun(best.id(), "model"));
      PromotionResult promotion =
          m.registry()
              .promote(
                  "churn@" + candidate.version(),
                  "production",
                  Gate.metric("accuracy").atLeast(0.70));
      out.printf(
          "  churn v%d: %s%s%n",
          candidate.version(),
          promotion.promoted() ? "promoted to production" : "NOT promoted",
          promotion.failedGates().isEmpty() ? "" : " " + promotion.failedGates());

      step(5, "serve churn#production over HTTP and send it traffic");
      int served;
      long logBefore =
          m.serving().log("churn").stream().mapToLong(PredictionRecord::sequence).max().orElse(0);
      try (Endpoint<Customer, Map<String, Object>> endpoint =
              m.serving()
                  .endpoint(
                      ModelRef.parse("churn#production"),
                      Customer.class,
                      (Path dir, ModelVersion v) -> {
                        ChurnModel model = ChurnModel.load(dir.resolve("churn.model"));
                        return batch ->
                            batch.stream()
                                .map(
                                    c ->
                                        Map.<String, Object>of(
                                            "churn_probability", model.probability(c)))
                                .collect(Collectors.toList());
                      })
                  .batching(32, Duration.ofMillis(2))
                  .logging(1.0)
                  .build();
          ModelServer server = m.serving().server().port(0).add(endpoint).start()) {
        served = sendTraffic(server.uri(), 400, new ProgressBar(out));
        out.printf(
            "  %d requests to %sinvocations answered by churn v%s (half of them drifted)%n",
            served, server.uri(), endpoint.modelVersion());
      }

      step(6, "drift report over the served traffic");
      Table reference = Table.readCsv(ws.resolve("data/train.csv")).select(FEATURES);
      // this execution's traffic only: the log keeps the requests of earlier runs too
      Table current =
          Table.fromPredictions(m.serving().log("churn", logBefore, Integer.MAX_VALUE))
              .select(FEATURES);
      out.printf(
          "  reference: data/train.csv (%d rows); current: the %d requests just served%n",
          reference.rowCount(), current.rowCount());
      DriftReport drift = m.monitoring().drift(reference, current);
      Path html = ws.resolve("drift-report.html");
      drift.writeHtml(html);
      drift
          .columns()
          .forEach(
              c ->
                  out.printf(
                      Locale.ROOT,
                      "  %-16s %-14s statistic %.4f  p %-8s %s%n",
                      c.column(),
                      c.method(),
                      c.statistic(),
                      Double.isNaN(c.pValue())
                          ? "-"
                          : String.format(Locale.ROOT, "%.4g", c.pValue()),
                      c.drifted() ? "DRIFT" : "ok"));

      step(7, "summary");
      Lineage lineage = m.registry().lineage("churn#production");
      ModelVersion production = m.registry().resolve("churn#production");
      out.printf(
          "  runs of this sweep (experiment churn-sweep, %d runs in all):%n",
          m.tracking().search(RunQuery.in("churn-sweep")).items().size());
      out.printf("    %-8s %-8s %-6s %-9s %-9s%n", "run", "id", "lr", "accuracy", "log_loss");
      for (Run r : ranked) {
        out.printf(
            Locale.ROOT,
            "    %-8s %-8s %-6s %-9.4f %-9.4f%s%n",
            r.name(),
            r.id().substring(0, Math.min(8, r.id().length())),
            r.params().get("lr"),
            r.metrics().get("accuracy"),
            r.metrics().get("log_loss"),
            r.id().equals(production.runId()) ? "  <- production" : "");
      }
      out.printf(
          "  production model:      churn v%d from run %s (%s)%n",
          production.version(), production.runId(), m.tracking().get(production.runId()).name());
      out.printf(
          "  its lineage:           run %s at git %s, trained on %s, params %s%n",
          lineage.run().orElse("-"),
          lineage.gitCommit() == null || lineage.gitCommit().length() < 7
              ? "-"
              : lineage.gitCommit().substring(0, 7),
          lineage.inputs().stream()
              .map(d -> d.path() + "@" + d.md5().substring(0, 8))
              .collect(Collectors.joining(", ")),
          new java.util.TreeMap<>(lineage.params()));
      out.printf(
          "  drift verdict:         %s (%d of %d columns drifted: %s)%n",
          drift.datasetDrift() ? "DATASET DRIFT" : "no dataset drift",
          drift.driftedColumns(),
          drift.columns().size(),
          drift.columns().stream()
              .filter(ColumnDrift::drifted)
              .map(ColumnDrift::column)
              .collect(Collectors.joining(", ")));
      out.println(
          "                         (the shifted half of the traffic has higher monthly_charges"
              + " and more support_calls; other columns differ by sampling only)");
      out.printf("  drift report:          %s%n", html);
      out.printf("  home:                  %s%n", m.home());
      out.printf("  done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
  }

  /** The demo pipeline: three Java stages over files in the workspace. */
  static Pipeline pipeline(Path ws) {
    return Pipeline.builder("churn")
        .dir(ws)
        .stage(
            "prepare",
            s ->
                s.run(Demo::prepare)
                    .version("prepare-v1")
                    .deps("data/churn.csv")
                    .params("prepare.test_fraction", "prepare.seed")
                    .outs("data/train.csv", "data/test.csv"))
        .stage(
            "train",
            s ->
                s.run(Demo::train)
                    .version("train-v2")
                    .deps("data/train.csv")
                    .params("train.lr", "train.l2", "train.epochs")
                    .outs("model/churn.model"))
        .stage(
            "evaluate",
            s ->
                s.run(Demo::evaluate)
                    .version("evaluate-v1")
                    .deps("model/churn.model", "data/test.csv")
                    .metrics("metrics.json"))
        .build();
  }

  static void prepare(StageContext ctx) throws IOException {
    List<String> lines = Files.readAllLines(ctx.path("data/churn.csv"));
    List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
    java.util.Collections.shuffle(rows, new Random(ctx.paramLong("prepare.seed")));
    int testRows = (int) Math.round(rows.size() * ctx.paramDouble("prepare.test_fraction"));
    List<String> test = new ArrayList<>(List.of(lines.get(0)));
    test.addAll(rows.subList(0, testRows));
    List<String> train = new ArrayList<>(List.of(lines.get(0)));
    train.addAll(rows.subList(testRows, rows.size()));
    Files.write(ctx.path("data/train.csv"), train);
    Files.write(ctx.path("data/test.csv"), test);
    ctx.log().info("{} training rows, {} test rows", train.size() - 1, test.size() - 1);
  }

  static void train(StageContext ctx) throws IOException {
    ChurnModel model =
        ChurnModel.train(
            Customer.readCsv(ctx.path("data/train.csv")),
            ctx.paramDouble("train.lr"),
            ctx.paramDouble("train.l2"),
            (int) ctx.paramLong("train.epochs"));
    model.save(ctx.path("model/churn.model"));
  }

  static void evaluate(StageContext ctx) throws IOException {
    ChurnModel model = ChurnModel.load(ctx.path("model/churn.model"));
    List<Customer> test = Customer.readCsv(ctx.path("data/test.csv"));
    Files.writeString(
        ctx.path("metrics.json"),
        String.format(
            Locale.ROOT,
            "{\"accuracy\": %.6f, \"log_loss\": %.6f}%n",
            model.accuracy(test),
            model.logLoss(test)));
  }

  /** Sends {@code n} single-row scoring requests; the second half from the drifted population. */
  int sendTraffic(URI base, int n, ProgressListener progress)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    ChurnDataGenerator normal = new ChurnDataGenerator(1001, false);
    ChurnDataGenerator drifted = new ChurnDataGenerator(2002, true);
    int ok = 0;
    for (int i = 0; i < n; i++) {
      Customer c = Customer.parse((i < n / 2 ? normal : drifted).nextRow());
      String body =
          String.format(
              Locale.ROOT,
              "{\"dataframe_records\": [{\"customer_id\": \"%s\", \"tenure_months\": %d,"
                  + " \"monthly_charges\": %.2f, \"support_calls\": %d, \"contract\": \"%s\","
                  + " \"age\": %d, \"churned\": 0}]}",
              c.customer_id(),
              c.tenure_months(),
              c.monthly_charges(),
              c.support_calls(),
              c.contract(),
              c.age());
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve("/invocations"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        ok++;
      } else {
        out.printf("%n  request %d: HTTP %d %s%n", i, response.statusCode(), response.body());
      }
      progress.progress("requests to /invocations", i + 1, n);
    }
    return ok;
  }

  private void step(int n, String what) {
    out.printf("%n[%d/7] %s%n", n, what);
  }

  private static String indent(String text) {
    return Arrays.stream(text.split("\n")).map(l -> "  " + l).collect(Collectors.joining("\n"))
        + "\n";
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " is missing from the samples jar");
      }
      return in.readAllBytes();
    }
  }

  private static void writeIfChanged(Path file, byte[] content) throws IOException {
    if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), content)) {
      Files.write(file, content);
    }
  }
}
