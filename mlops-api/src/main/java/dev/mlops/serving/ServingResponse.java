package dev.mlops.serving;

import java.util.Map;

/**
 * One HTTP response from the {@link RequestHandler}. Treat the body as read-only.
 *
 * @param status the HTTP status
 * @param headers response headers, including {@code Content-Type}
 * @param body the body bytes (empty for none)
 */
public record ServingResponse(int status, Map<String, String> headers, byte[] body) {
  public ServingResponse {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** The {@code Content-Type} header, or {@code ""}. */
  public String contentType() {
    return headers.getOrDefault("Content-Type", "");
  }
}
