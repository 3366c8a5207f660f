package dev.mlops.tracking.internal;

import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;
import dev.mlops.tracking.Tracking;

/** Activates mlops-tracking: {@code Mlops.tracking()}. */
public final class TrackingModuleProvider implements ModuleProvider<Tracking> {
  @Override
  public Class<Tracking> api() {
    return Tracking.class;
  }

  @Override
  public Tracking create(ModuleContext context) {
    return DefaultTracking.open(context);
  }
}
