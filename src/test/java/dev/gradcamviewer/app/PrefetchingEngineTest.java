package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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

    @Test
    void aModelThatCannotBeOpenedIsReportedAsUsual() {
        PrefetchingEngine e = PrefetchingEngine.start(Fixtures.bad("state-dict.pt"), FIRST);
        assertThrows(dev.gradcamviewer.model.BundleException.class, () -> e.open(Fixtures.bad("state-dict.pt")));
    }
}
