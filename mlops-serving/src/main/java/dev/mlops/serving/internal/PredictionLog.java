package dev.mlops.serving.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.mlops.InvalidInputException;
import dev.mlops.StoreException;
import dev.mlops.serving.PredictionRecord;
import dev.mlops.spi.Database;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction log: records offered by request threads go through a bounded queue to one writer
 * thread that inserts them in batches into {@code serving_prediction_log} in the home database.
 * Offering never blocks; a full queue drops the record and counts it. With {@code
 * serving.log.jsonl} set, every record written is also appended as one JSON line to {@code
 * <dir>/<endpoint>.jsonl}, for tools that read files. Thread-safe.
 */
final class PredictionLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PredictionLog.class);
  static final int QUEUE_CAPACITY = 10_000;
  private static final int WRITE_BATCH = 500;

  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE serving_prediction_log ("
              + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
              + " endpoint TEXT NOT NULL,"
              + " model_version TEXT NOT NULL,"
              + " request_id TEXT NOT NULL,"
              + " input_json TEXT NOT NULL,"
              + " output_json TEXT NOT NULL,"
              + " latency_ms REAL NOT NULL,"
              + " ts_millis INTEGER NOT NULL);\n"
              + "CREATE INDEX serving_prediction_log_endpoint ON serving_prediction_log"
              + " (endpoint, seq)");

  /** A record not yet serialized: the request thread does no JSON work. */
  record Pending(
      String endpoint,
      String version,
      String requestId,
      Object input,
      Object output,
      double latencyMillis,
      long timestampMillis,
      Set<String> redact) {}

  private final Supplier<Database> database;
  private final Optional<Path> jsonlDir;
  private final ObjectMapper mapper;
  private final ServingMetrics metrics;
  private final ArrayBlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Object progress = new Object();
  private long offered;
  private long done;
  private volatile boolean migrated;
  private volatile boolean closed;
  private Thread writer;

  PredictionLog(
      Supplier<Database> database,
      Optional<Path> jsonlDir,
      ObjectMapper mapper,
      ServingMetrics metrics) {
    this.database = database;
    this.jsonlDir = jsonlDir;
    this.mapper = mapper;
    this.metrics = metrics;
  }

  /** Queues a record; returns false (and counts a drop) when the queue is full or closed. */
  boolean offer(Pending p) {
    if (closed) {
      metrics.logDropped.inc();
      return false;
    }
    synchronized (progress) {
      if (!queue.offer(p)) {
        metrics.logDropped.inc();
        return false;
      }
      offered++;
      if (writer == null) {
        writer = new Thread(this::writeLoop, "mlops-serving-prediction-log");
        writer.setDaemon(true);
        writer.start();
      }
    }
    return true;
  }

  private Database db() {
    Database db = database.get();
    if (!migrated) {
      synchronized (this) {
        if (!migrated) {
          db.migrate("serving", MIGRATIONS);
          migrated = true;
        }
      }
    }
    return db;
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>(WRITE_BATCH);
    while (true) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, WRITE_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        if (!batch.isEmpty()) {
          synchronized (progress) {
            done += batch.size();
            progress.notifyAll();
          }
          batch.clear();
        }
      }
    }
  }

  private void write(List<Pending> batch) {
    List<Object[]> rows = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      try {
        rows.add(
            new Object[] {
              p.endpoint(),
              p.version(),
              p.requestId(),
              mapper.writeValueAsString(inputNode(p.input(), p.redact())),
              mapper.writeValueAsString(p.output()),
              p.latencyMillis(),
              p.timestampMillis()
            });
      } catch (JsonProcessingException | IllegalArgumentException e) {
        metrics.logDropped.inc();
        log.warn("cannot serialize a prediction of {} for the log: {}", p.endpoint(), e.toString());
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    try {
      db().useWrite(
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "INSERT INTO serving_prediction_log (endpoint, model_version, request_id,"
                            + " input_json, output_json, latency_ms, ts_millis)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                  for (Object[] r : rows) {
                    ps.setString(1, (String) r[0]);
                    ps.setString(2, (String) r[1]);
                    ps.setString(3, (String) r[2]);
                    ps.setString(4, (String) r[3]);
                    ps.setString(5, (String) r[4]);
                    ps.setDouble(6, (Double) r[5]);
                    ps.setLong(7, (Long) r[6]);
                    ps.addBatch();
                  }
                  ps.executeBatch();
                }
              });
      metrics.logWritten.inc(rows.size());
    } catch (RuntimeException e) {
      metrics.logDropped.inc(rows.size());
      log.warn("writing {} prediction log records failed", rows.size(), e);
      return;
    }
    jsonlDir.ifPresent(dir -> appendJsonl(dir, rows));
  }

  /**
   * One line per record, appended and forced per endpoint file; a failure is logged, not raised.
   */
  private void appendJsonl(Path dir, List<Object[]> rows) {
    Map<String, StringBuilder> byEndpoint = new LinkedHashMap<>();
    for (Object[] r : rows) {
      ObjectNode line = mapper.createObjectNode();
      line.put("endpoint", (String) r[0]);
      line.put("model_version", (String) r[1]);
      line.put("request_id", (String) r[2]);
      line.put("timestamp", Instant.ofEpochMilli((Long) r[6]).toString());
      line.put("latency_ms", (Double) r[5]);
      line.putRawValue("inputs", new RawValue((String) r[3]));
      line.putRawValue("outputs", new RawValue((String) r[4]));
      byEndpoint.computeIfAbsent((String) r[0], k -> new StringBuilder()).append(line).append('\n');
    }
    for (Map.Entry<String, StringBuilder> e : byEndpoint.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".jsonl");
      try {
        Files.createDirectories(dir);
        try (FileChannel ch =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
          ByteBuffer buf =
              ByteBuffer.wrap(e.getValue().toString().getBytes(StandardCharsets.UTF_8));
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(false);
        }
      } catch (IOException | RuntimeException ex) {
        log.warn("appending prediction records to {} failed: {}", file, ex.toString());
      }
    }
  }

  /** The input as a JSON object with redacted fields removed; non-objects go under "input". */
  ObjectNode inputNode(Object input, Set<String> redact) {
    JsonNode node = mapper.valueToTree(input);
    ObjectNode obj;
    if (node instanceof ObjectNode) {
      obj = (ObjectNode) node;
    } else {
      obj = mapper.createObjectNode();
      obj.set("input", node);
    }
    if (!redact.isEmpty()) {
      removeFields(obj, redact);
    }
    return obj;
  }

  private static void removeFields(JsonNode node, Set<String> redact) {
    if (node instanceof ObjectNode) {
      ObjectNode o = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (redact.contains(e.getKey())) {
          it.remove();
        } else {
          removeFields(e.getValue(), redact);
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(child -> removeFields(child, redact));
    }
  }

  /**
   * Waits (up to {@code timeoutMillis}) until every record offered so far is written or dropped.
   */
  void flush(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (progress) {
      long target = offered;
      while (done < target) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        try {
          progress.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  List<PredictionRecord> read(String endpoint, long afterSequence, int limit) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new InvalidInputException("endpoint", endpoint, "an endpoint name");
    }
    if (limit < 0) {
      throw new InvalidInputException("limit", limit, "a limit of 0 or more");
    }
    flush(60_000);
    if (limit == 0) {
      return List.of();
    }
    return db().read(
            c -> {
              List<PredictionRecord> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT seq, endpoint, model_version, request_id, input_json, output_json,"
                          + " latency_ms, ts_millis FROM serving_prediction_log"
                          + " WHERE endpoint = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, endpoint);
                ps.setLong(2, afterSequence);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new PredictionRecord(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            parseMap(rs.getString(5), rs.getLong(1)),
                            parse(rs.getString(6), rs.getLong(1)),
                            rs.getDouble(7),
                            Instant.ofEpochMilli(rs.getLong(8))));
                  }
                }
              }
              return out;
            });
  }

  private Map<String, Object> parseMap(String json, long seq) {
    Object v = parse(json, seq);
    if (!(v instanceof Map)) {
      throw new StoreException("prediction log record " + seq + " has a non-object input: " + json);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  private Object parse(String json, long seq) {
    try {
      return mapper.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "prediction log record " + seq + " holds invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public void close() {
    flush(10_000);
    closed = true;
    Thread w;
    synchronized (progress) {
      w = writer;
    }
    if (w != null) {
      try {
        w.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
