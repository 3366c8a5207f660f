package dev.mlops.pipeline.internal;

import dev.mlops.pipeline.Pipelines;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;
import dev.mlops.tracking.Tracking;
import dev.mlops.versioning.DataVersioning;

/** Registers {@link PipelinesImpl} with {@code Mlops}. */
public final class PipelinesProvider implements ModuleProvider<Pipelines> {
  @Override
  public Class<Pipelines> api() {
    return Pipelines.class;
  }

  @Override
  public Pipelines create(ModuleContext context) {
    return new PipelinesImpl(
        context.workspace(),
        context.home(),
        context.module(DataVersioning.class),
        () -> context.module(Tracking.class));
  }
}
