package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.GradCam;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sure sigmoid has no output gradient: reported as saturated, while the logit still explains. */
class SaturationTest {
    @Test
    void probabilityScoreOfASaturatedModelIsReportedNotDrawn() throws Exception {
        try (ModelBundle bundle = ModelBundle.open(Fixtures.bad("saturated.pt"))) {
            Explainer explainer = new Explainer(bundle);
            ExplainedImage p = explainer.explain(Fixtures.sample("phantom-02-normal.png"), -1, Score.PROBABILITY, null);
            assertEquals(1.0f, p.pass().prediction().probability(1));
            CamMap map = p.cam(bundle.manifest().defaultLayer(), new GradCam());
            assertTrue(map.zeroGradient());
            assertTrue(map.isEmpty());
            ExplainedImage l = explainer.explain(Fixtures.sample("phantom-02-normal.png"), -1, Score.LOGIT, null);
            CamMap logit = l.cam(bundle.manifest().defaultLayer(), new GradCam());
            assertFalse(logit.zeroGradient());
            assertEquals(List.copyOf(bundle.tapNames()), List.copyOf(l.pass().tapNames()));
        }
    }
}
