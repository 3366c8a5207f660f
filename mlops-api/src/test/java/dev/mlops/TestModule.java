package dev.mlops;

import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;

/** A module registered in the test classpath's META-INF/services, to test discovery and closing. */
public final class TestModule implements AutoCloseable {
  final ModuleContext context;
  volatile boolean closed;

  TestModule(ModuleContext context) {
    this.context = context;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Its provider. */
  public static final class Provider implements ModuleProvider<TestModule> {
    @Override
    public Class<TestModule> api() {
      return TestModule.class;
    }

    @Override
    public TestModule create(ModuleContext context) {
      return new TestModule(context);
    }
  }
}
