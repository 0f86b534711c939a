package dev.gradcamviewer.cam;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CamMethodsTest {
    // two channels on a 1x2 map
    private static final float[] A = {1, 3, 2, 0};
    private static final float[] G = {0.5f, 0.5f, -1, 1};

    @Test
    void gradCamIsTheArticlesRecipe() {
        // weights: channel means of G = 0.5 and 0; map = ReLU(mean_k w_k A_k) = [0.25, 0.75] -> / max
        CamMap m = new GradCam().compute(new LayerData(A, G, 2, 1, 2));
        assertArrayEquals(new float[] {1f / 3, 1f}, m.values(), 1e-6f);
        assertFalse(m.zeroGradient());
    }

    @Test
    void hiResCamKeepsEachCellsGradient() {
        // sum_k g*A = [0.5 - 2, 1.5 + 0] -> ReLU -> [0, 1.5] -> [0, 1]
        assertArrayEquals(new float[] {0, 1}, new HiResCam().compute(new LayerData(A, G, 2, 1, 2)).values(), 1e-6f);
    }

    @Test
    void layerCamUsesPositiveGradientsOnly() {
        // ReLU(g) * A summed: [0.5 + 0, 1.5 + 0] -> [1/3, 1]
        assertArrayEquals(new float[] {1f / 3, 1}, new LayerCam().compute(new LayerData(A, G, 2, 1, 2)).values(), 1e-6f);
    }

    @Test
    void zeroGradientGivesAnEmptyMapFlaggedAsSuch() {
        for (CamMethod method : CamMethods.ALL) {
            CamMap m = method.compute(new LayerData(A, new float[4], 2, 1, 2));
            assertTrue(m.zeroGradient(), method.id());
            assertTrue(m.isEmpty(), method.id());
            for (float v : m.values()) assertFalse(Float.isNaN(v), method.id());
        }
    }

    @Test
    void allNegativeEvidenceStaysZeroNotNaN() {
        float[] g = {-1, -1, -1, -1};
        CamMap m = new GradCam().compute(new LayerData(A, g, 2, 1, 2));
        assertTrue(m.isEmpty());
        assertFalse(m.zeroGradient());
    }

    @Test
    void methodsAreFoundByNameOrId() {
        assertEquals("gradcampp", CamMethods.byName("Grad-CAM++").orElseThrow().id());
        assertEquals("hirescam", CamMethods.byName("HiResCAM").orElseThrow().id());
        assertEquals("xgradcam", CamMethods.byName("xgradcam").orElseThrow().id());
        assertTrue(CamMethods.byName("scorecam").isEmpty());
        assertEquals(5, CamMethods.ALL.size());
    }
}
