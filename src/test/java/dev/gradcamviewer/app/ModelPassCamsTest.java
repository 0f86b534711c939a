package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.ScoreCam;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Score-CAM and Ablation-CAM through the bundle's batched passes against the exporter's references,
 * written from their definitions with eager PyTorch (reference.py: reference_scorecam,
 * reference_ablationcam) on the same input: maps within 1e-4; a channel removed through the probe
 * scores as the eager model with that channel zeroed by a hook.
 */
class ModelPassCamsTest {
    @Test
    void scoreCamMatchesTheEagerReferenceOnTheDemo() throws Exception {
        Path dir = Fixtures.dir().resolve("demo");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        JsonNode image = index.get("images").get(0);
        JsonNode ref = image.get("cams").get("resnet_blocks.4").get("logit").get("scorecam");
        float[] expected = Npy.read(dir.resolve(ref.get("map").asText())).data();
        double[] expectedScores = Npy.readDoubles(dir.resolve(ref.get("scores").asText())).data();
        float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            PassResult pass = bundle.explain(input, image.get("target").asInt(), Score.LOGIT, List.of("resnet_blocks.4"));
            ExplainedImage ex = new ExplainedImage(Path.of(image.get("file").asText()), null,
                    new Preprocessed(input, 3, 256, 256, null), pass, bundle.manifest().taps());
            assertThrows(IllegalStateException.class, () -> ex.cam("resnet_blocks.4", ScoreCam.METHOD), "not before its passes");
            AtomicInteger last = new AtomicInteger();
            CamMap map = ModelPassCams.compute(ScoreCam.METHOD, bundle, ex, "resnet_blocks.4", last::set);
            assertEquals(256, last.get(), "progress reaches every channel");
            assertSame(map, ex.cam("resnet_blocks.4", ScoreCam.METHOD), "kept with the pass's maps");
            double range = 0;
            for (double s : expectedScores) range = Math.max(range, Math.abs(s));
            double worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(map.values()[i] - expected[i]));
            System.out.printf("Score-CAM vs eager reference: map max |diff| %.2e over %d cells%n", worst, expected.length);
            assertTrue(worst <= 1e-4, "Score-CAM map differs by " + worst);
            assertTrue(range > 1, "the scores spread: a test that can fail");
            ex.close();
        }
    }

    @Test
    void ablationCamRemovesAChannelThroughTheProbeAsAHookZeroingItDoes() throws Exception {
        Path dir = Fixtures.dir().resolve("demo");
        JsonNode image = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("images").get(0);
        JsonNode ref = image.get("cams").get("resnet_blocks.4").get("logit").get("ablationcam");
        float[] expected = Npy.read(dir.resolve(ref.get("map").asText())).data();
        double[] removed = Npy.readDoubles(dir.resolve(ref.get("removed").asText())).data();
        float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
        int target = image.get("target").asInt();
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            PassResult pass = bundle.explain(input, target, Score.LOGIT, List.of("resnet_blocks.4"));
            ExplainedImage ex = new ExplainedImage(Path.of("x.png"), null, new Preprocessed(input, 3, 256, 256, null), pass, bundle.manifest().taps());
            var data = ex.layer("resnet_blocks.4");
            int size = data.channels() * data.cells();
            double worstScore = 0;
            for (int k : new int[] {0, 17, 100, 255}) {
                float[] probe = new float[size];
                dev.gradcamviewer.cam.AblationCam.removal(data, k, probe, 0);
                float s = bundle.scores(input, 1, target, Score.LOGIT, "resnet_blocks.4", probe)[0];
                worstScore = Math.max(worstScore, Math.abs(s - removed[k]));
            }
            assertEquals(ref.get("original").asDouble(), bundle.scores(input, 1, target, Score.LOGIT)[0], 1e-4);
            assertTrue(worstScore <= 1e-4, "a removed channel scores " + worstScore + " away from the hook's");
            CamMap map = ModelPassCams.compute(dev.gradcamviewer.cam.AblationCam.METHOD, bundle, ex, "resnet_blocks.4", k -> { });
            double worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(map.values()[i] - expected[i]));
            System.out.printf("Ablation-CAM vs eager hooks: removed-channel scores max |diff| %.2e, map max |diff| %.2e%n", worstScore, worst);
            assertTrue(worst <= 1e-4, "Ablation-CAM map differs by " + worst);
            ex.close();
        }
    }

    @Test
    void augSmoothAveragesSixAugmentedPassesAsTheReferenceDoes() throws Exception {
        Path dir = Fixtures.dir().resolve("demo");
        JsonNode image = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("images").get(0);
        JsonNode ref = image.get("cams").get("resnet_blocks.4").get("logit");
        float[] expected = Npy.read(dir.resolve(ref.get("gradcam-augsmooth").asText())).data();
        float[] plain = Npy.read(dir.resolve(ref.get("file").asText())).data();
        float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            PassResult pass = bundle.explain(input, image.get("target").asInt(), Score.LOGIT, List.of("resnet_blocks.4"));
            ExplainedImage ex = new ExplainedImage(Path.of("x.png"), null, new Preprocessed(input, 3, 256, 256, null), pass, bundle.manifest().taps());
            AtomicInteger passes = new AtomicInteger();
            CamMap map = ModelPassCams.compute(new dev.gradcamviewer.cam.AugSmooth(new dev.gradcamviewer.cam.GradCam()), bundle, ex,
                    "resnet_blocks.4", passes::set);
            assertEquals(6, passes.get());
            double worst = 0;
            double fromPlain = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(map.values()[i] - expected[i]));
                fromPlain = Math.max(fromPlain, Math.abs(map.values()[i] - plain[i]));
            }
            System.out.printf("aug-smooth vs float64 reference: map max |diff| %.2e (%.2f from the plain map)%n", worst, fromPlain);
            assertTrue(worst <= 1e-4, "aug-smoothed Grad-CAM differs by " + worst);
            assertTrue(fromPlain > 0.01, "smoothing changes the map");
            ex.close();
        }
    }

    @Test
    void aCancelledScoreCamStopsBetweenBatches() throws Exception {
        Path dir = Fixtures.dir().resolve("demo");
        JsonNode image = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("images").get(0);
        float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            PassResult pass = bundle.explain(input, -1, Score.LOGIT, List.of("resnet_blocks.4"));
            ExplainedImage ex = new ExplainedImage(Path.of("x.png"), null, new Preprocessed(input, 3, 256, 256, null), pass, bundle.manifest().taps());
            AtomicInteger done = new AtomicInteger();
            assertThrows(InterruptedException.class, () -> ModelPassCams.compute(ScoreCam.METHOD, bundle, ex, "resnet_blocks.4", k -> {
                done.set(k);
                Thread.currentThread().interrupt();
            }));
            assertEquals(ModelPassCams.SCORE_CAM_BATCH, done.get(), "one batch, then the cancel is seen");
            ex.close();
        }
    }
}
