package dev.mlops.tracking.filter;

/**
 * One order clause.
 *
 * @param identifier the field
 * @param ascending ASC (default) or DESC
 */
public record OrderKey(Identifier identifier, boolean ascending) {
  @Override
  public String toString() {
    return identifier + (ascending ? " ASC" : " DESC");
  }
}
