package dev.mlops.spi;

/**
 * Activates an implementation module. Each implementation jar lists its provider in {@code
 * META-INF/services/dev.mlops.spi.ModuleProvider}; {@link dev.mlops.Mlops} finds it with {@link
 * java.util.ServiceLoader} and calls {@link #create} the first time the module's accessor is used.
 *
 * @param <T> the public API type the module implements, e.g. {@code Tracking}
 */
public interface ModuleProvider<T> {
  /** The API type this provider implements, e.g. {@code Tracking.class}. */
  Class<T> api();

  /**
   * Creates the module for one {@code Mlops} instance. If the result is {@link AutoCloseable}, it
   * is closed when the {@code Mlops} instance closes, in reverse order of creation.
   */
  T create(ModuleContext context);
}
