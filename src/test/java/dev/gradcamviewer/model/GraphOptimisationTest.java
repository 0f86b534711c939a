package dev.gradcamviewer.model;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model passes run without TorchScript's profiling and re-optimisation (see TorchEngine): libtorch
 * keeps the switch per thread and DJL sets it on a forward's thread from the property TorchEngine sets.
 */
class GraphOptimisationTest {
    @Test
    void passesRunWithTheGraphOptimisationOffOnTheirThread() throws Exception {
        try (ModelBundle b = ModelBundle.open(Fixtures.demoModel())) {
            float[] input = Fixtures.demoArray(Fixtures.demoReference().get(0).get("input").asText()).data();
            AtomicBoolean untouched = new AtomicBoolean();
            Thread t = new Thread(() -> untouched.set(GlobalContext.graphExecutorOptimize()));
            t.start();
            t.join();
            assertTrue(untouched.get(), "libtorch's default, on a thread that ran no pass: optimisation on");

            b.explain(input, -1, Score.PROBABILITY, null).close();
            assertFalse(GlobalContext.graphExecutorOptimize(), "after a gradient pass");
            b.predict(input);
            assertFalse(GlobalContext.graphExecutorOptimize(), "after a prediction");
        }
        assertTrue(TorchEngine.stateLine().endsWith("TorchScript graph optimisation off"), TorchEngine.stateLine());
    }
}
