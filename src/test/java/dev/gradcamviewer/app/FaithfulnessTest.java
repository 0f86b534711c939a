package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.cam.Faithfulness;
import dev.gradcamviewer.imaging.Npy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deletion, insertion and confidence change of Grad-CAM's map through the bundle, against the
 * exporter's reference written from the definitions with eager PyTorch (model_pass_reference.py:
 * reference_faithfulness) on the same input and map, on the demo model and on torchvision's resnet18.
 * Tolerances are relative to the largest probability on the reference's curves (about 1 on the demo,
 * 0.02 on resnet18's random weights over 1000 classes): curves within 1e-3 of it per point (float32
 * passes; two pixels of equal rank may swap at a step's edge), areas within 1e-3 of it, confidence
 * changes within 1e-4 of it.
 */
class FaithfulnessTest {
    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.gradcamviewer.app.ModelPassReference#MODELS")
    void theScoresOfGradCamsMapMatchTheEagerReference(String model) throws Exception {
        try (ModelPassReference r = ModelPassReference.open(model)) {
            JsonNode ref = r.entry().get("faithfulness");
            Npy.Array map = r.array(r.entry().get("file").asText());
            var x = r.explained().input();
            float[] onInput = FaithfulnessRunner.onInput(map.data(), map.shape()[0], map.shape()[1], x);
            var spec = ModelInputs.specOf(r.bundle().manifest().input());
            FaithfulnessRunner.Result got = FaithfulnessRunner.measure(r.bundle(), x, onInput, r.target(), spec.mean(), spec.std(), () -> false);
            double[] deletion = doubles(ref.get("deletion_curve"));
            double[] insertion = doubles(ref.get("insertion_curve"));
            double scale = Math.max(max(deletion), max(insertion));
            double worstCurve = Math.max(worst(deletion, got.deletionCurve()), worst(insertion, got.insertionCurve()));
            System.out.printf("%s Grad-CAM: deletion %.4f insertion %.4f confidence change %.4f (inverted %.4f); "
                            + "curves max |diff| %.2e of a largest probability %.4f%n", model, got.deletion(), got.insertion(),
                    got.confidenceChange(), got.invertedConfidenceChange(), worstCurve, scale);
            assertTrue(worstCurve <= 1e-3 * scale, "curves differ by " + worstCurve);
            assertEquals(ref.get("deletion").asDouble(), got.deletion(), 1e-3 * scale);
            assertEquals(ref.get("insertion").asDouble(), got.insertion(), 1e-3 * scale);
            assertEquals(ref.get("confidence_change").asDouble(), got.confidenceChange(), 1e-4 * scale);
            assertEquals(ref.get("inverted_confidence_change").asDouble(), got.invertedConfidenceChange(), 1e-4 * scale);
            assertEquals(got.deletionCurve()[0], got.insertionCurve()[Faithfulness.STEPS], 1e-6, "both curves meet at the whole input");
            assertTrue(max(deletion) - min(deletion) > 0.1 * scale, "the curve moves: a test that can fail");
            if (model.equals("demo")) {
                assertTrue(got.insertion() - got.deletion() > 0.3, "a map that finds the lesion: insertion well above deletion");
            }
        }
    }

    /**
     * ROAD (pytorch-grad-cam's ROADMostRelevantFirstAverage, ROADLeastRelevantFirstAverage and
     * ROADCombined, noise off) against model_pass_reference.py's, written from its definition with
     * scipy's sparse direct solver: each percentile's score within 1e-4 of the largest probability.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.gradcamviewer.app.ModelPassReference#MODELS")
    void roadMatchesTheReference(String model) throws Exception {
        try (ModelPassReference r = ModelPassReference.open(model)) {
            JsonNode ref = r.entry().get("road");
            Npy.Array map = r.array(r.entry().get("file").asText());
            var x = r.explained().input();
            float[] onInput = FaithfulnessRunner.onInput(map.data(), map.shape()[0], map.shape()[1], x);
            long start = System.nanoTime();
            RoadRunner.Result got = RoadRunner.measure(r.bundle(), x, onInput, r.target(), () -> false);
            double scale = Math.max(1e-3, r.bundle().scores(x.tensor(), 1, r.target(), dev.gradcamviewer.model.Score.PROBABILITY)[0]);
            double worst = Math.max(worst(doubles(ref.get("morf_steps")), got.mostSteps()), worst(doubles(ref.get("lerf_steps")), got.leastSteps()));
            System.out.printf("%s ROAD: most relevant first %.4f, least %.4f, combined %.4f; steps max |diff| %.2e of a probability %.4f; %.1f s%n",
                    model, got.mostRelevantFirst(), got.leastRelevantFirst(), got.combined(), worst, scale, (System.nanoTime() - start) / 1e9);
            assertTrue(worst <= 1e-4 * scale, "ROAD's steps differ by " + worst);
            assertEquals(ref.get("morf").asDouble(), got.mostRelevantFirst(), 1e-4 * scale);
            assertEquals(ref.get("lerf").asDouble(), got.leastRelevantFirst(), 1e-4 * scale);
            assertEquals(ref.get("combined").asDouble(), got.combined(), 1e-4 * scale);
            double spread = 0;
            for (float v : got.mostSteps()) spread = Math.max(spread, Math.abs(v));
            assertTrue(spread > 1e-3 * scale, "removing pixels moves the score: a test that can fail");
        }
    }

    private static double worst(double[] expected, float[] got) {
        assertEquals(expected.length, got.length);
        double w = 0;
        for (int i = 0; i < got.length; i++) w = Math.max(w, Math.abs(expected[i] - got[i]));
        return w;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) m = Math.max(m, v);
        return m;
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) m = Math.min(m, v);
        return m;
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
        return d;
    }
}
