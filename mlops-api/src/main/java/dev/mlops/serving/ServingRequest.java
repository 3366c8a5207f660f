package dev.mlops.serving;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the {@link RequestHandler} sees it. Not a value: the body is a stream read
 * once by the handler (up to the body limit).
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the decoded path, e.g. {@code /v2/models/churn/infer}
 * @param query the raw query string, or {@code ""}
 * @param headers header values by name (any case)
 * @param body the request body ({@link InputStream#nullInputStream()} when none)
 */
public record ServingRequest(
    String method, String path, String query, Map<String, List<String>> headers, InputStream body) {
  public ServingRequest {
    query = query == null ? "" : query;
    headers = Map.copyOf(headers);
    body = body == null ? InputStream.nullInputStream() : body;
  }

  /** The first value of a header, matched without regard to case. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name);
    if (v == null) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
          v = e.getValue();
          break;
        }
      }
    }
    return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
  }
}
