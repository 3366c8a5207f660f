package dev.mlops.versioning.internal;

import dev.mlops.MlopsException;
import dev.mlops.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Runs work on a pool and waits for it. Stateless, thread-safe. */
final class Parallel {
  private Parallel() {}

  /** Runs tasks on a pool and waits; the first failure is rethrown after the rest settle. */
  static void runAll(ExecutorService pool, Collection<Runnable> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    if (tasks.size() == 1) {
      tasks.iterator().next().run();
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (Runnable t : tasks) {
      futures.add(pool.submit(t));
    }
    RuntimeException first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (first == null) {
          if (c instanceof RuntimeException re) {
            first = re;
          } else if (c instanceof IOException ioe) {
            first = new UncheckedIOException(ioe);
          } else {
            first = new MlopsException("a versioning task failed: " + c, c);
          }
        }
        futures.forEach(x -> x.cancel(false));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new StoreException("interrupted", e);
      } catch (CancellationException e) {
        // cancelled after an earlier failure
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Runs {@code work} on consecutive slices of {@code items} of at most {@code chunk} elements. */
  static <T> void forChunks(
      ExecutorService pool, List<T> items, int chunk, Consumer<List<T>> work) {
    List<Runnable> tasks = new ArrayList<>();
    for (int i = 0; i < items.size(); i += chunk) {
      List<T> slice = items.subList(i, Math.min(items.size(), i + chunk));
      tasks.add(() -> work.accept(slice));
    }
    runAll(pool, tasks);
  }
}
