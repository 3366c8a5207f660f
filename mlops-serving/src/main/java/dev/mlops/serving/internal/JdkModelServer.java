package dev.mlops.serving.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.InvalidInputException;
import dev.mlops.StoreException;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RequestHandler;
import dev.mlops.serving.ServingRequest;
import dev.mlops.serving.ServingResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Router} on the JDK's built-in HTTP server ({@code jdk.httpserver}). Thread-safe.
 *
 * <p>On JDK 17 the server writes response headers and body as two small TCP segments; without
 * {@code sun.net.httpserver.nodelay=true} Nagle's algorithm then waits for the client's delayed ACK
 * and every keep-alive request takes ~40 ms. The property is read once per JVM, when the first
 * server is created, so it is set here (unless the user set it) before any server exists, and a
 * self-probe after start warns when the stall is present anyway (a server made earlier by the
 * host).
 */
final class JdkModelServer implements ModelServer {
  private static final Logger log = LoggerFactory.getLogger(JdkModelServer.class);
  static final String NODELAY = "sun.net.httpserver.nodelay";

  /** The most request body bytes read and discarded after an early answer (at least). */
  static final long DRAIN_CAP = 64L * 1024 * 1024;

  static {
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }

  private final ServingModule module;
  private final Router router;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Duration shutdownTimeout;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object drained = new Object();
  private volatile boolean draining;
  private volatile boolean closed;

  private JdkModelServer(
      ServingModule module,
      Router router,
      String bind,
      int port,
      int threads,
      Duration shutdownTimeout) {
    this.module = module;
    this.router = router;
    this.shutdownTimeout = shutdownTimeout;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 1024);
    } catch (IOException e) {
      throw new StoreException(
          "cannot bind the model server to " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "mlops-serving-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::exchange);
    server.start();
    log.info("model server listening on {}", uri());
    executor.execute(this::probeKeepAlive);
  }

  private void exchange(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try {
      ServingResponse r;
      if (draining) {
        r =
            new ServingResponse(
                503,
                Map.of(
                    "Content-Type", "application/json", "Retry-After", "1", "Connection", "close"),
                "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"the server is shutting down\",\"error\":\"the server is shutting down\"}"
                    .getBytes(StandardCharsets.UTF_8));
      } else {
        URI u = ex.getRequestURI();
        r =
            router.handle(
                new ServingRequest(
                    ex.getRequestMethod(),
                    u.getPath(),
                    u.getRawQuery(),
                    ex.getRequestHeaders(),
                    ex.getRequestBody()));
      }
      drainRequestBody(ex);
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      byte[] body = r.body();
      boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
      ex.sendResponseHeaders(r.status(), body.length == 0 || head ? -1 : body.length);
      if (body.length > 0 && !head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      ex.close();
      if (inFlight.decrementAndGet() == 0 && draining) {
        synchronized (drained) {
          drained.notifyAll();
        }
      }
    }
  }

  /**
   * Reads and discards what the handler left of the request body (a 413, 401 or 415 answers without
   * reading it). Otherwise the JDK server drains only 64 KiB, then closes a socket that still holds
   * unread bytes: the kernel sends a reset and the client loses the error response (it sees
   * "connection reset" instead of the 413). Bounded, so an endless body cannot hold the thread:
   * past the cap the connection is closed as before.
   */
  private void drainRequestBody(HttpExchange ex) {
    try {
      InputStream in = ex.getRequestBody();
      if (in.read() < 0) {
        return; // the common case: the handler read it all, nothing to allocate
      }
      long cap = Math.max(DRAIN_CAP, 2 * router.maxBody());
      byte[] buf = new byte[16384];
      long total = 1;
      int n;
      while (total < cap && (n = in.read(buf)) >= 0) {
        total += n;
      }
    } catch (IOException e) {
      log.debug("draining a request body failed: {}", e.toString());
    }
  }

  /** Two keep-alive requests on one connection; warns when the second stalls (Nagle). */
  private void probeKeepAlive() {
    try (Socket s = new Socket(server.getAddress().getAddress(), port());
        InputStream in = new java.io.BufferedInputStream(s.getInputStream())) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(2_000);
      String req = "GET /v2/health/live HTTP/1.1\r\nHost: localhost\r\nX-Mlops-Probe: 1\r\n\r\n";
      // a Nagle stall hits every keep-alive request, so the fastest of several still shows it,
      // while a slow first request (class loading, a busy machine) does not raise a false alarm
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 6; i++) {
        long t0 = System.nanoTime();
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        readResponse(in);
        long took = System.nanoTime() - t0;
        if (i > 0) {
          best = Math.min(best, took);
        }
      }
      if (best > 30_000_000L) {
        log.warn(
            "keep-alive requests to the model server stall ~{} ms (Nagle on the JDK HttpServer):"
                + " start the JVM with -D{}=true, or create the model server before any other"
                + " com.sun.net.httpserver.HttpServer",
            best / 1_000_000,
            NODELAY);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("keep-alive self-probe failed: {}", e.toString());
    }
  }

  private static void readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    int len = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        len = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(len);
  }

  @Override
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public URI uri() {
    InetAddress a = server.getAddress().getAddress();
    String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  @Override
  public RequestHandler handler() {
    return router;
  }

  /** Refuses new requests (503), waits for in-flight ones up to the timeout, then stops. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    draining = true;
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    synchronized (drained) {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("model server closed with {} requests still in flight", inFlight.get());
          break;
        }
        try {
          drained.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    server.stop(0);
    executor.shutdownNow();
    module.serverClosed(this);
    log.info("model server on port {} stopped", port());
  }

  /** Builds a {@link JdkModelServer}. */
  static final class BuilderImpl implements ModelServer.Builder {
    private final ServingModule module;
    private final Router.BuilderImpl handler;
    private int port = 8080;
    private String bind = "127.0.0.1";
    private int threads = 32;
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    BuilderImpl(ServingModule module) {
      this.module = module;
      this.handler = new Router.BuilderImpl(module);
    }

    @Override
    public ModelServer.Builder port(int port) {
      this.port = port;
      return this;
    }

    @Override
    public ModelServer.Builder bind(String address) {
      this.bind = address;
      return this;
    }

    @Override
    public ModelServer.Builder bearerToken(String token) {
      handler.bearerToken(token);
      return this;
    }

    @Override
    public ModelServer.Builder add(Endpoint<?, ?> endpoint) {
      handler.add(endpoint);
      return this;
    }

    @Override
    public ModelServer.Builder maxBodyBytes(long bytes) {
      handler.maxBodyBytes(bytes);
      return this;
    }

    @Override
    public ModelServer.Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    @Override
    public ModelServer.Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = timeout;
      return this;
    }

    @Override
    public ModelServer start() {
      if (port < 0 || port > 65535) {
        throw new InvalidInputException("port", port, "a port between 0 (any free) and 65535");
      }
      if (bind == null || bind.isBlank()) {
        throw new InvalidInputException("bind", bind, "an address such as 127.0.0.1");
      }
      if (threads < 1 || threads > 4096) {
        throw new InvalidInputException("threads", threads, "between 1 and 4096");
      }
      if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
        throw new InvalidInputException("shutdownTimeout", shutdownTimeout, "0 or more");
      }
      Router router = handler.buildRouter();
      JdkModelServer s = new JdkModelServer(module, router, bind, port, threads, shutdownTimeout);
      module.serverStarted(s);
      return s;
    }
  }
}
