package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up engine hands over the work it did ahead, and nothing else. */
class PrefetchingEngineTest {
    private static final Path FIRST = Fixtures.sample("phantom-01-pneumonia.png");

    @Test
    void theViewersFirstRequestsGetThePrefetchedModelAndPass() throws Exception {
        PrefetchingEngine e = PrefetchingEngine.start(Fixtures.demoModel(), FIRST);
        try (ModelBundle b = e.open(Fixtures.demoModel())) {
            ExplainedImage ahead = e.prefetched();
            try (ExplainedImage got = e.explain(b, FIRST, -1, Score.LOGIT)) {
                assertSame(ahead, got);
            }
            try (ExplainedImage again = e.explain(b, FIRST, -1, Score.LOGIT)) {
                assertNotSame(ahead, again, "only the first request is served from the prefetch");
            }
        }
    }

    /** One libtorch thread while the window is built (it would compete with JavaFX's), every core from the viewer's first request on. */
    @Test
    void libtorchRunsOnOneThreadUntilTheViewersFirstRequest() throws Exception {
        String chosen = System.clearProperty("ai.djl.pytorch.num_threads");
        try {
            PrefetchingEngine e = PrefetchingEngine.start(Fixtures.demoModel(), FIRST);
            try (ModelBundle b = e.open(Fixtures.demoModel())) {
                e.prefetched().pass();
                assertEquals(1, threadsOfANewThread(), "the prefetch ran on one thread");
                try (ExplainedImage got = e.explain(b, FIRST, -1, Score.LOGIT)) {
                    assertEquals(Runtime.getRuntime().availableProcessors(), threadsOfANewThread(), "every core again");
                }
            }
        } finally {
            if (chosen != null) System.setProperty("ai.djl.pytorch.num_threads", chosen);
        }
    }

    /** Libtorch's count as a thread started now sees it (a thread keeps the count it first saw). */
    private static int threadsOfANewThread() throws Exception {
        int[] n = new int[1];
        Thread t = new Thread(() -> n[0] = dev.gradcamviewer.model.TorchEngine.threads());
        t.start();
        t.join();
        return n[0];
    }

    @Test
    void aDifferentFirstRequestIsComputedAndThePrefetchReleased() throws Exception {
        PrefetchingEngine e = PrefetchingEngine.start(Fixtures.demoModel(), FIRST);
        try (ModelBundle b = e.open(Fixtures.demoModel())) {
            ExplainedImage ahead = e.prefetched();
            try (ExplainedImage got = e.explain(b, FIRST, -1, Score.PROBABILITY)) {
                assertNotSame(ahead, got);
            }
            assertTrue(ahead.pass().released(), "the unused prefetched pass was freed");
        }
    }

    /** The first image's pass checks the model against its manifest: a model that disagrees is refused at open, as ModelBundle.open says it. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"wrong-tap-shape.pt", "lie-labels.pt", "lie-softmax.pt"})
    void aModelThatDisagreesWithItsManifestIsRefusedAtOpenAsUsual(String file) {
        String expected = assertThrows(dev.gradcamviewer.model.BundleException.class, () -> ModelBundle.open(Fixtures.bad(file))).getMessage();
        PrefetchingEngine e = PrefetchingEngine.start(Fixtures.bad(file), FIRST);
        var got = assertThrows(dev.gradcamviewer.model.BundleException.class, () -> e.open(Fixtures.bad(file)));
        assertEquals(expected, got.getMessage());
    }

    @Test
    void aModelThatCannotBeOpenedIsReportedAsUsual() {
        PrefetchingEngine e = PrefetchingEngine.start(Fixtures.bad("state-dict.pt"), FIRST);
        assertThrows(dev.gradcamviewer.model.BundleException.class, () -> e.open(Fixtures.bad("state-dict.pt")));
    }
}
