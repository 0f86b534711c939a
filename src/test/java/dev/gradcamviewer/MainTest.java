package dev.gradcamviewer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void filesWithoutACommandOpenTheViewer() {
        assertTrue(Main.opensInViewer(new String[] {Fixtures.sample("phantom-01-pneumonia.png").toString()}));
        assertTrue(Main.opensInViewer(new String[] {Fixtures.root().resolve("models/samples").toString(), Fixtures.demoModel().toString()}));
        assertFalse(Main.opensInViewer(new String[] {"predict", Fixtures.sample("phantom-01-pneumonia.png").toString()}));
        assertFalse(Main.opensInViewer(new String[] {"--help"}));
        assertFalse(Main.opensInViewer(new String[] {"layers"}));
    }
}
