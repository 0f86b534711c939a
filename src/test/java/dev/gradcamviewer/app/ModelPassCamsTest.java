package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.cam.AblationCam;
import dev.gradcamviewer.cam.AugSmooth;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.GradCam;
import dev.gradcamviewer.cam.ScoreCam;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Score-CAM, Ablation-CAM and aug-smooth through the bundle's batched passes against the exporter's
 * references, written from their definitions with eager PyTorch (model_pass_reference.py: reference_scorecam,
 * reference_ablationcam, reference_augsmooth) on the same input, on the demo model and on
 * torchvision's resnet18: maps within 1e-4; a channel removed through the probe scores as the eager
 * model with that channel zeroed by a hook.
 */
class ModelPassCamsTest {
    static final double MAP_TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.gradcamviewer.app.ModelPassReference#MODELS")
    void scoreCamMatchesTheEagerReference(String model) throws Exception {
        try (ModelPassReference r = ModelPassReference.open(model)) {
            JsonNode ref = r.entry().get("scorecam");
            double[] expectedScores = r.doubles(ref.get("scores").asText());
            assertThrows(IllegalStateException.class, () -> r.explained().cam(r.tap(), ScoreCam.METHOD), "not before its passes");
            AtomicInteger last = new AtomicInteger();
            CamMap map = ModelPassCams.compute(ScoreCam.METHOD, r.bundle(), r.explained(), r.tap(), last::set);
            assertEquals(expectedScores.length, last.get(), "progress reaches every channel");
            assertSame(map, r.explained().cam(r.tap(), ScoreCam.METHOD), "kept with the pass's maps");
            double spread = 0;
            for (double s : expectedScores) spread = Math.max(spread, Math.abs(s - expectedScores[0]));
            double worst = ModelPassReference.maxAbsDiff(map.values(), r.floats(ref.get("map").asText()));
            System.out.printf("%s Score-CAM vs eager reference: map max |diff| %.2e over %d cells, %d channels%n",
                    model, worst, map.values().length, expectedScores.length);
            assertTrue(worst <= MAP_TOLERANCE, "Score-CAM map differs by " + worst);
            assertTrue(spread > 0.1, "the masked scores differ: a test that can fail");
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.gradcamviewer.app.ModelPassReference#MODELS")
    void ablationCamRemovesAChannelThroughTheProbeAsAHookZeroingItDoes(String model) throws Exception {
        try (ModelPassReference r = ModelPassReference.open(model)) {
            JsonNode ref = r.entry().get("ablationcam");
            double[] removed = r.doubles(ref.get("removed").asText());
            var data = r.explained().layer(r.tap());
            int size = data.channels() * data.cells();
            double worstScore = 0;
            for (int k : new int[] {0, 17, 100, data.channels() - 1}) {
                float[] probe = new float[size];
                AblationCam.removal(data, k, probe, 0);
                float s = r.bundle().scores(r.input(), 1, r.target(), Score.LOGIT, r.tap(), probe)[0];
                worstScore = Math.max(worstScore, Math.abs(s - removed[k]));
            }
            assertEquals(ref.get("original").asDouble(), r.bundle().scores(r.input(), 1, r.target(), Score.LOGIT)[0], 1e-4);
            assertTrue(worstScore <= 1e-4, "a removed channel scores " + worstScore + " away from the hook's");
            CamMap map = ModelPassCams.compute(AblationCam.METHOD, r.bundle(), r.explained(), r.tap(), k -> { });
            double worst = ModelPassReference.maxAbsDiff(map.values(), r.floats(ref.get("map").asText()));
            System.out.printf("%s Ablation-CAM vs eager hooks: removed-channel scores max |diff| %.2e, map max |diff| %.2e%n",
                    model, worstScore, worst);
            assertTrue(worst <= MAP_TOLERANCE, "Ablation-CAM map differs by " + worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.gradcamviewer.app.ModelPassReference#MODELS")
    void augSmoothAveragesSixAugmentedPassesAsTheReferenceDoes(String model) throws Exception {
        try (ModelPassReference r = ModelPassReference.open(model)) {
            float[] expected = r.floats(r.entry().get("gradcam-augsmooth").asText());
            float[] plain = r.floats(r.entry().get("file").asText());
            AtomicInteger passes = new AtomicInteger();
            CamMap map = ModelPassCams.compute(new AugSmooth(new GradCam()), r.bundle(), r.explained(), r.tap(), passes::set);
            assertEquals(6, passes.get());
            double worst = ModelPassReference.maxAbsDiff(map.values(), expected);
            double fromPlain = ModelPassReference.maxAbsDiff(map.values(), plain);
            System.out.printf("%s aug-smooth vs float64 reference: map max |diff| %.2e (%.2f from the plain map)%n", model, worst, fromPlain);
            assertTrue(worst <= MAP_TOLERANCE, "aug-smoothed Grad-CAM differs by " + worst);
            assertTrue(fromPlain > 0.01, "smoothing changes the map");
        }
    }

    /**
     * In a DenseNet a layer's output is concatenated with the block's earlier features, so the layers
     * before it cannot run once and be broadcast over the removals: the batch gives the input once per
     * removal instead, and every channel's score equals that of a pass with that channel alone removed.
     */
    @Test
    void ablationCamOnAConcatenatingLayerScoresEachRemovalAsASinglePassDoes() throws Exception {
        String tap = "features.denseblock2.denselayer3.conv2";
        Path dir = Fixtures.dir().resolve("densenet121");
        JsonNode image = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("reference/reference.json").toFile())
                .get("images").get(0);
        float[] input = dev.gradcamviewer.imaging.Npy.read(dir.resolve("reference").resolve(image.get("input").asText())).data();
        int target = image.get("target").asInt();
        try (ModelBundle bundle = ModelBundle.open(dir.resolve("densenet121.pt"));
             PassResultHolder h = new PassResultHolder(bundle, input, target, tap)) {
            var data = h.explained.layer(tap);
            int size = data.channels() * data.cells();
            float[] removed = new float[data.channels()];
            for (int k = 0; k < removed.length; k++) {
                float[] probe = new float[size];
                AblationCam.removal(data, k, probe, 0);
                removed[k] = bundle.scores(input, 1, target, Score.LOGIT, tap, probe)[0];
            }
            float original = bundle.scores(input, 1, target, Score.LOGIT)[0];
            CamMap expected = AblationCam.map(data, original, removed);
            CamMap map = ModelPassCams.compute(AblationCam.METHOD, bundle, h.explained, tap, k -> { });
            double worst = ModelPassReference.maxAbsDiff(map.values(), expected.values());
            System.out.printf("densenet121 Ablation-CAM at %s (%d channels): batched vs one removal per pass, map max |diff| %.2e%n",
                    tap, data.channels(), worst);
            assertTrue(worst <= MAP_TOLERANCE, "batched removals differ from single ones by " + worst);
            float spread = 0;
            for (float r : removed) spread = Math.max(spread, Math.abs(r - original));
            assertTrue(spread > 1e-4, "removing a channel changes the score: a test that can fail");
        }
    }

    /** An image explained at one layer, closed with its pass. */
    private static final class PassResultHolder implements AutoCloseable {
        final ExplainedImage explained;

        PassResultHolder(ModelBundle bundle, float[] input, int target, String tap) throws Exception {
            var shape = bundle.manifest().input().shape();
            explained = new ExplainedImage(Path.of("x.png"), null, new dev.gradcamviewer.imaging.Preprocessed(input, 3, shape.get(2), shape.get(3), null),
                    bundle.explain(input, target, Score.LOGIT, java.util.List.of(tap)), bundle.manifest().taps());
        }

        @Override
        public void close() { explained.close(); }
    }

    @Test
    void aCancelledScoreCamStopsBetweenBatches() throws Exception {
        try (ModelPassReference r = ModelPassReference.open("demo")) {
            AtomicInteger done = new AtomicInteger();
            assertThrows(InterruptedException.class, () -> ModelPassCams.compute(ScoreCam.METHOD, r.bundle(), r.explained(), r.tap(), k -> {
                done.set(k);
                Thread.currentThread().interrupt();
            }));
            assertEquals(ModelPassCams.SCORE_CAM_BATCH, done.get(), "one batch, then the cancel is seen");
        }
    }
}
