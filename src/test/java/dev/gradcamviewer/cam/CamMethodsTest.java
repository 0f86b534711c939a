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
    void zeroGradientGivesAnEmptyMapFlaggedAsSuchToMethodsThatUseIt() {
        for (CamMethod method : CamMethods.ALL) {
            CamMap m = method.compute(new LayerData(A, new float[4], 2, 1, 2));
            for (float v : m.values()) assertFalse(Float.isNaN(v), method.id());
            if (method instanceof MapMethod mm && !mm.usesGradients()) {
                assertFalse(m.zeroGradient(), method.id() + " needs no gradient");
                continue;
            }
            assertTrue(m.zeroGradient(), method.id());
            assertTrue(m.isEmpty(), method.id());
        }
    }

    @Test
    void elementWiseGradCamSumsThePositiveProductsOnly() {
        // ReLU(A*g) per cell summed over channels: [ReLU(1*0.5) + ReLU(2*-1), ReLU(3*0.5) + ReLU(4*0)] = [0.5, 1.5] -> [1/3, 1]
        assertArrayEquals(new float[] {1f / 3, 1}, new GradCamElementWise().compute(new LayerData(A, G, 2, 1, 2)).values(), 1e-6f);
    }

    @Test
    void eigenCamIsTheFirstPrincipalComponentWithTheMeansSign() {
        // one channel varies along the cells (0, 1, 2, 3), the other is constant: the component is
        // the first channel's deviation from its mean, [-1.5, -0.5, 0.5, 1.5] -> ReLU -> [0, 0, 1/3, 1]
        float[] a = {0, 1, 2, 3, 5, 5, 5, 5};
        CamMap m = new EigenCam().compute(new LayerData(a, new float[8], 2, 2, 2));
        assertArrayEquals(new float[] {0, 0, 1f / 3, 1}, m.values(), 1e-6f);
        // the sign follows the mean activation: the mirrored channel gives the mirrored map
        float[] b = {3, 2, 1, 0, 5, 5, 5, 5};
        assertArrayEquals(new float[] {1, 1f / 3, 0, 0}, new EigenCam().compute(new LayerData(b, new float[8], 2, 2, 2)).values(), 1e-6f);
    }

    @Test
    void theRandomBaselineIsFixedForAShapeAndUniform() {
        float[] a = new float[2 * 16 * 16];
        LayerData l = new LayerData(a, a.clone(), 2, 16, 16);
        float[] first = new RandomCam().compute(l).values();
        assertArrayEquals(first, new RandomCam().compute(l).values());
        double mean = 0;
        for (float v : first) mean += v;
        mean /= first.length;
        assertEquals(0.5, mean, 0.08);
        assertEquals(256, java.util.Arrays.stream(toDouble(first)).distinct().count());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
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
        assertTrue(CamMethods.byName("gradcam-9000").isEmpty());
        assertTrue(CamMethods.byName("Score-CAM").orElseThrow().needsModelPasses());
        assertEquals("ablationcam", CamMethods.byName("Ablation-CAM").orElseThrow().id());
        assertTrue(CamMethods.ALL.stream().noneMatch(CamMethod::needsModelPasses), "ALL: the methods made from one pass");
        assertEquals(11, CamMethods.FOR_VIEWER.size());
        assertEquals("gradcamelementwise", CamMethods.byName("Grad-CAM element-wise").orElseThrow().id());
        assertEquals("eigencam", CamMethods.byName("Eigen-CAM").orElseThrow().id());
        assertEquals(9, CamMethods.ALL.size());
    }

    /** Grad-CAM++'s constant is pytorch-grad-cam's 1e-6: with gradients of 1e-3 (a sure sigmoid's) g^2 is of its order. */
    @Test
    void gradCamPlusPlusUsesPytorchGradCamsConstant() {
        float g = 1e-3f;
        double[] w = new GradCamPlusPlus().channelWeights(new LayerData(new float[] {0f}, new float[] {g}, 1, 1, 1));
        double g2 = (double) g * g;
        assertEquals(g2 / (2 * g2 + 1e-6) * g, w[0], 1e-12);
    }
}
