package dev.mlops.versioning.internal;

import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;
import dev.mlops.versioning.DataVersioning;

/** Registers {@link DefaultDataVersioning} as the {@link DataVersioning} implementation. */
public final class VersioningProvider implements ModuleProvider<DataVersioning> {
  @Override
  public Class<DataVersioning> api() {
    return DataVersioning.class;
  }

  @Override
  public DataVersioning create(ModuleContext context) {
    return new DefaultDataVersioning(context);
  }
}
