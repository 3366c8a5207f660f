package dev.mlops.serving.internal;

import dev.mlops.serving.Serving;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;

/** Registers the serving module with {@code Mlops} through {@link java.util.ServiceLoader}. */
public final class ServingProvider implements ModuleProvider<Serving> {
  @Override
  public Class<Serving> api() {
    return Serving.class;
  }

  @Override
  public Serving create(ModuleContext context) {
    return new ServingModule(context);
  }
}
