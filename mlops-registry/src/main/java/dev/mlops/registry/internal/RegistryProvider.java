package dev.mlops.registry.internal;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;

/** Activates the registry for {@code Mlops.registry()}. */
public final class RegistryProvider implements ModuleProvider<ModelRegistry> {
  @Override
  public Class<ModelRegistry> api() {
    return ModelRegistry.class;
  }

  @Override
  public ModelRegistry create(ModuleContext context) {
    return new DefaultModelRegistry(context);
  }
}
