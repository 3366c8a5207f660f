package dev.mlops.serving;

import java.net.URI;
import java.time.Duration;

/**
 * An HTTP server answering the MLflow scoring protocol, the Open Inference Protocol and {@code GET
 * /metrics} for its endpoints, on the JDK's built-in HTTP server. Thread-safe. Closing it drains
 * in-flight requests (up to the shutdown timeout); it does not close the endpoints.
 *
 * <pre>{@code
 * try (ModelServer srv = m.serving().server().port(0).add(ep).start()) {
 *   URI base = srv.uri();   // http://127.0.0.1:<port>/
 * }
 * }</pre>
 */
public interface ModelServer extends AutoCloseable {
  /** The bound port (the chosen one when started with port 0). */
  int port();

  /** The base URI, e.g. {@code http://127.0.0.1:8080/}. */
  URI uri();

  /** The transport-neutral handler this server runs, to mount elsewhere too. */
  RequestHandler handler();

  /** Stops accepting connections and waits for in-flight requests up to the shutdown timeout. */
  @Override
  void close();

  /** Configures a server; validated at {@link #start()}. Not thread-safe. */
  interface Builder {
    /** The port; 0 picks a free one (default 8080). */
    Builder port(int port);

    /**
     * The address to bind (default {@code 127.0.0.1}); {@code 0.0.0.0} exposes it to the network.
     */
    Builder bind(String address);

    /** Requires {@code Authorization: Bearer <token>} on every route except the health probes. */
    Builder bearerToken(String token);

    /** Serves this endpoint (by its name). */
    Builder add(Endpoint<?, ?> endpoint);

    /** The largest request body accepted (default 16 MiB); larger ones get 413. */
    Builder maxBodyBytes(long bytes);

    /** Threads handling requests (default 32). */
    Builder threads(int threads);

    /** How long {@link ModelServer#close()} waits for in-flight requests (default 10 s). */
    Builder shutdownTimeout(Duration timeout);

    /** Binds and starts serving. */
    ModelServer start();
  }
}
