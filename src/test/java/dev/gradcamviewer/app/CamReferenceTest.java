package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamErrorBound;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.cam.LayerData;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.model.EnginePaths;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.model.TapTensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Java's float32 pass and CAMs against the exporter's float64 reference (the eager model in double
 * precision fed the same input; the article's hooks; every method written independently from the
 * papers), for every reference image, tap and score, on both engine paths: oneDNN on and oneDNN off.
 *
 * <p>Three checks, each with the reason for its bound:
 * <ol>
 * <li><b>Tensors.</b> Activations differ from float64 by at most {@link #TENSOR_RELATIVE} of their
 * largest magnitude. float32 rounds each product and sum to 6e-8 relative; through the deepest path
 * here (densenet121's stem to its head, about 120 reductions of up to 1,152 terms) rounding that adds
 * up randomly stays near depth x sqrt(terms) x 6e-8, about 2.5e-4 at the very worst. Gradients are
 * held to the same bound on all but {@link #KINK_FRACTION} of their elements. These networks are
 * piecewise linear (convolutions, ReLU, max-pooling, BatchNorm in eval mode), so a gradient depends
 * only on which ReLUs are open and which inputs the pools pick: a ReLU whose input lies within
 * rounding of zero may open in float64 and stay shut in float32, and that moves the gradients of
 * every cell behind it in its receptive field by a whole term while leaving the activations right.
 * Seen: 898 of densenet121's 200,704 stem gradients (0.45 %) beyond the bound, up to 7 % of the
 * largest, with the activations right to 5e-7; the float64 model itself, fed the same input times
 * 1 + 1e-7 noise, moves 220 of them. A wrong kernel, as the oneDNN bug this program guards against,
 * spoils the whole tensor (relative errors of 0.15 to 1, or NaN).</li>
 * <li><b>Maps, cell by cell.</b> Given how far this pass's tensors are from float64 (measured element by element),
 * each cell of each normalised map may differ from the reference by at most what
 * {@link CamErrorBound} derives from the method's definition, plus 1e-6 for the final float32
 * rounding. That bound is large only where a cell's terms cancel (Grad-CAM++'s denominator, a
 * random-weight model whose map maximum is tiny) and tiny elsewhere, so it is strict and stable on
 * every CPU. The method alone on the reference tensors (rounded to float32) is held to the same
 * bound with the rounding of that cast.</li>
 * <li><b>The article's model at its default layer</b>: Grad-CAM within 1e-4 on the normalised map,
 * on both paths, whatever the bound says.</li>
 * </ol>
 */
class CamReferenceTest {
    static final double TENSOR_RELATIVE = 1e-3;
    static final double KINK_FRACTION = 0.01;
    static final double FINAL_ROUNDING = 1e-6;
    static final double ARTICLE_DEFAULT_LAYER = 1e-4;

    static Stream<Arguments> modelsAndPaths() {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("demo", "resnet18", "densenet121", "vit", "swin", "convnext", "chex-sigmoid", "chex-logits")) {
            for (String path : List.of("on", "off")) out.add(Arguments.of(model, path));
        }
        return out.stream();
    }

    @AfterAll
    static void restoreGuard() {
        EnginePaths.restoreGuard();
    }

    @ParameterizedTest(name = "{0}, oneDNN {1}")
    @MethodSource("modelsAndPaths")
    void everyMethodMatchesTheFloat64Reference(String which, String path) throws Exception {
        boolean oneDnn = path.equals("on");
        if (oneDnn) {
            assumeTrue(EnginePaths.oneDnnGradientsRight(), "this CPU's oneDNN gives wrong convolution gradients "
                    + EnginePaths.oneDnnFindings() + ": the guard never uses this path here");
        }
        EnginePaths.force(oneDnn);
        Path dir = which.equals("demo") ? Fixtures.dir().resolve("demo") : Fixtures.dir().resolve(which).resolve("reference");
        Path bundlePath = which.equals("demo") ? Fixtures.demoModel() : Fixtures.dir().resolve(which).resolve(which + ".pt");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        List<String> taps = new ArrayList<>();
        index.get("taps").forEach(t -> taps.add(t.asText()));
        assertTrue(taps.size() >= 4);
        Map<String, Worst> worst = new TreeMap<>();
        double worstTensor = 0;
        double worstKinks = 0;
        int compared = 0;
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            String defaultLayer = bundle.manifest().defaultLayer();
            for (JsonNode image : index.get("images")) {
                float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
                int target = image.get("target").asInt();
                for (Score score : Score.values()) {
                    String key = score == Score.LOGIT ? "logit" : "probability";
                    try (PassResult pass = bundle.explain(input, target, score, taps)) {
                        assertEquals(target, pass.target());
                        for (String tap : taps) {
                            String where = String.format("%s (oneDNN %s) %s %s %s", which, path, image.get("file").asText(), tap, key);
                            JsonNode ref = image.get("cams").get(tap).get(key);
                            Npy.DoubleArray a64 = Npy.readDoubles(dir.resolve(ref.get("activations").asText()));
                            Npy.DoubleArray g64 = Npy.readDoubles(dir.resolve(ref.get("gradients").asText()));
                            TapTensors t = pass.tap(tap);
                            int channels = t.channels();
                            int cells = t.height() * t.width();
                            double[] dA = absDiff(t.activations(), a64.data());
                            double[] dG = absDiff(t.gradients(), g64.data());
                            double relA = max(dA) / maxAbs(a64.data());
                            double gLimit = TENSOR_RELATIVE * maxAbs(g64.data());
                            long kinks = java.util.Arrays.stream(dG).filter(d -> !(d <= gLimit)).count();
                            worstTensor = Math.max(worstTensor, relA);
                            worstKinks = Math.max(worstKinks, (double) kinks / dG.length);
                            assertTrue(relA <= TENSOR_RELATIVE, String.format(
                                    "%s: activations differ from float64 by %.3g of their largest value", where, relA));
                            assertTrue(kinks <= KINK_FRACTION * dG.length, String.format("%s: %d of %d gradients differ from float64 by more "
                                    + "than %.0e of the largest (at most %.0f %% may, behind ReLUs that rounding opened or shut)",
                                    where, kinks, dG.length, TENSOR_RELATIVE, 100 * KINK_FRACTION));
                            LayerData java = new LayerData(t.activations(), t.gradients(), channels, t.height(), t.width());
                            LayerData cast = new LayerData(toFloat(a64.data()), toFloat(g64.data()), channels, t.height(), t.width());
                            for (CamMethod method : CamMethods.ALL) {
                                if (method.id().equals("random")) continue; // the baseline has no model in it to compare
                                String file = method.id().equals("gradcam") ? ref.get("file").asText() : ref.get("methods").get(method.id()).asText();
                                float[] expected = Npy.read(dir.resolve(file)).data();
                                double[] bound = CamErrorBound.perCell(method.id(), a64.data(), g64.data(), channels, cells, dA, dG);
                                float[] actual = method.compute(java).values();
                                Worst w = worst.computeIfAbsent(method.id(), m -> new Worst());
                                w.add(expected, actual, bound);
                                assertWithin(expected, actual, bound, where + " " + method.id());
                                double[] castBound = CamErrorBound.perCell(method.id(), a64.data(), g64.data(), channels, cells,
                                        absDiff(cast.activations(), a64.data()), absDiff(cast.gradients(), g64.data()));
                                assertWithin(expected, method.compute(cast).values(), castBound, where + " " + method.id() + " on the reference's tensors");
                                if (which.equals("demo") && tap.equals(defaultLayer) && method.id().equals("gradcam")) {
                                    double d = maxAbsDiff(expected, actual);
                                    assertTrue(d <= ARTICLE_DEFAULT_LAYER, where + ": the article's Grad-CAM differs by " + d);
                                }
                                compared++;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("%s, oneDNN %s: %d maps; activations within %.2e of float64 (relative); at most %.4f %% of a tap's gradients beyond %.0e%n",
                which, path, compared, worstTensor, 100 * worstKinks, TENSOR_RELATIVE);
        worst.forEach((m, w) -> System.out.printf("  %-9s worst max|diff| %.2e; worst on well-conditioned cells (bound < 1e-4) %.2e; "
                + "%d of %d cells ill-conditioned%n", m, w.all, w.wellConditioned, w.illConditioned, w.cells));
        assertTrue(compared >= 4 * 5 * 2);
    }

    private static final class Worst {
        double all;
        double wellConditioned;
        long illConditioned;
        long cells;

        void add(float[] expected, float[] actual, double[] bound) {
            for (int p = 0; p < expected.length; p++) {
                double d = Math.abs(expected[p] - actual[p]);
                all = Math.max(all, d);
                if (bound[p] < 1e-4) wellConditioned = Math.max(wellConditioned, d);
                else illConditioned++;
                cells++;
            }
        }
    }

    static void assertWithin(float[] expected, float[] actual, double[] bound, String what) {
        assertEquals(expected.length, actual.length);
        for (int p = 0; p < expected.length; p++) {
            double d = Math.abs(expected[p] - actual[p]);
            if (!(d <= bound[p] + FINAL_ROUNDING)) {
                throw new AssertionError(String.format("%s: cell %d differs by %.3g, more than float32 rounding of its tensors allows (%.3g)",
                        what, p, d, bound[p] + FINAL_ROUNDING));
            }
        }
    }

    /** Element-wise |a - b|; NaN becomes infinity, so that it fails every bound. */
    static double[] absDiff(float[] a, double[] b) {
        assertEquals(a.length, b.length);
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double v = Math.abs(a[i] - b[i]);
            d[i] = Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
        }
        return d;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
