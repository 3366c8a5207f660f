package dev.mlops.serving;

/**
 * The HTTP routes of the serving module, independent of any server: a host mounts it in its own
 * server (Servlet, Jetty, Netty, Spring) instead of opening a second port. Thread-safe; blocking
 * (call it from a worker thread, not an event loop).
 *
 * <pre>{@code
 * RequestHandler h = m.serving().handler().add(ep).build();
 * // in a Servlet:
 * ServingResponse r = h.handle(new ServingRequest(req.getMethod(), req.getRequestURI(),
 *     req.getQueryString(), headersOf(req), req.getInputStream()));
 * resp.setStatus(r.status());
 * r.headers().forEach(resp::setHeader);
 * resp.getOutputStream().write(r.body());
 * }</pre>
 */
public interface RequestHandler {
  /**
   * Answers one request. Never throws for bad input: every failure is a response with a JSON body
   * holding {@code message} (and {@code error}, for Open Inference Protocol clients).
   */
  ServingResponse handle(ServingRequest request);

  /** Configures a handler; validated at {@link #build()}. Not thread-safe. */
  interface Builder {
    /** Requires {@code Authorization: Bearer <token>} on every route except the health probes. */
    Builder bearerToken(String token);

    /** Serves this endpoint (by its name). */
    Builder add(Endpoint<?, ?> endpoint);

    /** The largest request body accepted (default 16 MiB); larger ones get 413. */
    Builder maxBodyBytes(long bytes);

    /** Creates the handler. */
    RequestHandler build();
  }
}
