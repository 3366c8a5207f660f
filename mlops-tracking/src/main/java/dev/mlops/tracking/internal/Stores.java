package dev.mlops.tracking.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import dev.mlops.spi.ArtifactStore;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.TrackingStore;
import dev.mlops.spi.TrackingStoreProvider;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Picks the store provider for a URI by its scheme (ServiceLoader). */
public final class Stores {
  private Stores() {}

  /** Opens the tracking store of {@code uri}. */
  public static TrackingStore tracking(String uri, ModuleContext context) {
    String scheme = scheme(uri, "");
    TreeSet<String> supported = new TreeSet<>();
    for (TrackingStoreProvider p :
        ServiceLoader.load(TrackingStoreProvider.class, Stores.class.getClassLoader())) {
      if (p.schemes().contains(scheme)) {
        return p.open(uri, context);
      }
      supported.addAll(p.schemes());
    }
    throw new InvalidInputException(
        MlopsConfig.TRACKING_URI,
        uri,
        "a URI with a supported scheme "
            + supported.stream().map(s -> s + ":").toList()
            + ", e.g. sqlite:/path/to/mlops.db (no store for '"
            + scheme
            + ":' is on the classpath)");
  }

  /** Opens the artifact store of {@code uri}; a plain path is a {@code file:} folder. */
  public static ArtifactStore artifacts(String uri, ModuleContext context) {
    String scheme = scheme(uri, "file");
    TreeSet<String> supported = new TreeSet<>();
    for (ArtifactStoreProvider p :
        ServiceLoader.load(ArtifactStoreProvider.class, Stores.class.getClassLoader())) {
      if (p.schemes().contains(scheme)) {
        return p.open(uri, context);
      }
      supported.addAll(p.schemes());
    }
    throw new InvalidInputException(
        MlopsConfig.ARTIFACTS_URI,
        uri,
        "a URI with a supported scheme "
            + supported.stream().map(s -> s + ":").toList()
            + ", e.g. file:///data/artifacts (no store for '"
            + scheme
            + ":' is on the classpath)");
  }

  static String scheme(String uri, String whenNone) {
    if (uri == null || uri.isBlank()) {
      throw new InvalidInputException("uri", uri, "a store URI such as sqlite:/path/mlops.db");
    }
    int colon = uri.indexOf(':');
    if (colon <= 1 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return whenNone;
    }
    return uri.substring(0, colon).toLowerCase(Locale.ROOT);
  }
}
