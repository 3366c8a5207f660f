package dev.mlops.tracking;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One page of results and the token for the next one.
 *
 * @param <T> the element type
 */
public interface Page<T> extends Iterable<T> {
  /** The items on this page. */
  List<T> items();

  /** The token that fetches the next page; empty on the last page. */
  Optional<String> nextPageToken();

  @Override
  default Iterator<T> iterator() {
    return items().iterator();
  }

  /** A page of {@code items}; {@code nextPageToken} may be null on the last page. */
  static <T> Page<T> of(List<T> items, String nextPageToken) {
    List<T> copy = List.copyOf(items);
    Optional<String> token = Optional.ofNullable(nextPageToken);
    return new Page<>() {
      @Override
      public List<T> items() {
        return copy;
      }

      @Override
      public Optional<String> nextPageToken() {
        return token;
      }

      @Override
      public String toString() {
        return "Page" + copy + token.map(t -> " next=" + t).orElse("");
      }
    };
  }
}
