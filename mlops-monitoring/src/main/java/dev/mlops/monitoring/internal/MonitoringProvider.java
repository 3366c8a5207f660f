package dev.mlops.monitoring.internal;

import dev.mlops.monitoring.Monitoring;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;

/** Registers mlops-monitoring with {@code Mlops} (META-INF/services). */
public final class MonitoringProvider implements ModuleProvider<Monitoring> {
  @Override
  public Class<Monitoring> api() {
    return Monitoring.class;
  }

  @Override
  public Monitoring create(ModuleContext context) {
    return new MonitoringImpl(context);
  }
}
