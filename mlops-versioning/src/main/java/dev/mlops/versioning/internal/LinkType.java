package dev.mlops.versioning.internal;

import dev.mlops.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a cached object is placed into the workspace, as DVC's {@code cache.type}. */
public enum LinkType {
  REFLINK,
  HARDLINK,
  SYMLINK,
  COPY;

  /** Parses a DVC {@code cache.type} list such as {@code reflink,copy}. */
  public static List<LinkType> parseList(String spec, String field) {
    List<LinkType> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim().toUpperCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      try {
        out.add(LinkType.valueOf(p));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            field, spec, "a comma-separated list of reflink, hardlink, symlink, copy", e);
      }
    }
    if (out.isEmpty()) {
      throw new InvalidInputException(
          field, spec, "a comma-separated list of reflink, hardlink, symlink, copy");
    }
    return List.copyOf(out);
  }
}
