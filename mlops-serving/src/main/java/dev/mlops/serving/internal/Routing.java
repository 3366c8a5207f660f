package dev.mlops.serving.internal;

import dev.mlops.serving.VersionInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** An immutable traffic split of an endpoint: weighted serving versions and shadows. */
final class Routing<I, O> {
  /** A serving version with its role and weight. */
  record Route<I, O>(Slot<I, O> slot, VersionInfo.Role role, double weight) {}

  private final List<Route<I, O>> routes;
  private final double[] cumulative;
  private final List<Slot<I, O>> shadows;

  Routing(List<Route<I, O>> routes, List<Slot<I, O>> shadows) {
    this.routes = List.copyOf(routes);
    this.shadows = List.copyOf(shadows);
    this.cumulative = new double[routes.size()];
    double sum = 0;
    for (int i = 0; i < routes.size(); i++) {
      sum += routes.get(i).weight();
      cumulative[i] = sum;
    }
  }

  /** Picks a serving version: by the key's hash when given (sticky), else at random. */
  Slot<I, O> pick(Optional<String> routingKey) {
    if (routes.size() == 1) {
      return routes.get(0).slot();
    }
    double total = cumulative[cumulative.length - 1];
    double r;
    if (routingKey.isPresent()) {
      int h = routingKey.get().hashCode() * 0x9E3779B9;
      r = ((h >>> 8) / (double) (1 << 24)) * total;
    } else {
      r = ThreadLocalRandom.current().nextDouble() * total;
    }
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return routes.get(i).slot();
      }
    }
    return routes.get(routes.size() - 1).slot();
  }

  Optional<Slot<I, O>> find(String version) {
    for (Route<I, O> r : routes) {
      if (r.slot().version().equals(version)) {
        return Optional.of(r.slot());
      }
    }
    return Optional.empty();
  }

  Slot<I, O> primary() {
    return routes.get(0).slot();
  }

  List<Slot<I, O>> shadows() {
    return shadows;
  }

  List<VersionInfo> versions() {
    List<VersionInfo> out = new ArrayList<>();
    for (Route<I, O> r : routes) {
      out.add(new VersionInfo(r.slot().version(), r.role(), r.weight()));
    }
    for (Slot<I, O> s : shadows) {
      out.add(new VersionInfo(s.version(), VersionInfo.Role.SHADOW, 0));
    }
    return Collections.unmodifiableList(out);
  }

  /** Every distinct slot (serving and shadow). */
  Set<Slot<I, O>> slots() {
    Set<Slot<I, O>> out = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Route<I, O> r : routes) {
      out.add(r.slot());
    }
    out.addAll(shadows);
    return out;
  }
}
