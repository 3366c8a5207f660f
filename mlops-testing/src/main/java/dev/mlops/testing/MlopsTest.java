package dev.mlops.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test an isolated temporary home and an {@link dev.mlops.Mlops} on it, injected as a
 * parameter, a constructor parameter or a field of type {@code Mlops} (a static field gets one
 * instance for the whole class). The instance is closed after the test and its folder deleted,
 * unless the test failed: then the folder is kept and its path logged, published as a report entry
 * ({@code mlops.home}) and attached to the failure (as a suppressed exception), so the build's
 * output says where it is. Safe under JUnit's parallel execution. See {@link MlopsExtension} for
 * lifecycle methods and {@code @Nested} classes.
 *
 * <pre>{@code
 * @MlopsTest
 * class TrainingTest {
 *   @Test
 *   void trainsAGoodModel(Mlops m) {
 *     Run run = m.tracking().run("churn", r -> r.metric("accuracy", train()));
 *     assertThatRun(run).hasStatus(RunStatus.FINISHED).hasMetric("accuracy").atLeast(0.9);
 *   }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MlopsExtension.class)
public @interface MlopsTest {}
