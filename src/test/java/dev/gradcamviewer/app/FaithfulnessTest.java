package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.Faithfulness;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.ModelBundle;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deletion, insertion and confidence change of the demo's Grad-CAM through the bundle, against the
 * exporter's reference written from the definitions with eager PyTorch (reference.py:
 * reference_faithfulness) on the same input and map. Curves within 1e-3 per point (float32 passes;
 * two pixels of equal rank may swap at a step's edge), areas within 1e-3.
 */
class FaithfulnessTest {
    @Test
    void theScoresOfTheDemosMapMatchTheEagerReference() throws Exception {
        Path dir = Fixtures.dir().resolve("demo");
        JsonNode image = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("images").get(0);
        JsonNode cams = image.get("cams").get("resnet_blocks.4").get("logit");
        JsonNode ref = cams.get("faithfulness");
        Npy.Array map = Npy.read(dir.resolve(cams.get("file").asText()));
        float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            Preprocessed x = new Preprocessed(input, 3, 256, 256, null);
            float[] onInput = FaithfulnessRunner.onInput(map.data(), map.shape()[0], map.shape()[1], x);
            var in = bundle.manifest().input();
            float[] mean = {in.mean().get(0).floatValue(), in.mean().get(1).floatValue(), in.mean().get(2).floatValue()};
            float[] std = {in.std().get(0).floatValue(), in.std().get(1).floatValue(), in.std().get(2).floatValue()};
            FaithfulnessRunner.Result r = FaithfulnessRunner.measure(bundle, x, onInput, image.get("target").asInt(), mean, std, () -> false);
            assertArrayEquals(floats(ref.get("deletion_curve")), r.deletionCurve(), 1e-3f);
            assertArrayEquals(floats(ref.get("insertion_curve")), r.insertionCurve(), 1e-3f);
            assertEquals(ref.get("deletion").asDouble(), r.deletion(), 1e-3);
            assertEquals(ref.get("insertion").asDouble(), r.insertion(), 1e-3);
            assertEquals(ref.get("confidence_change").asDouble(), r.confidenceChange(), 1e-4);
            assertEquals(ref.get("inverted_confidence_change").asDouble(), r.invertedConfidenceChange(), 1e-4);
            assertTrue(r.insertion() - r.deletion() > 0.3, "a map that finds the lesion: insertion well above deletion");
            assertEquals(r.deletionCurve()[0], r.insertionCurve()[Faithfulness.STEPS], 1e-6, "both curves meet at the whole input");
            System.out.printf("demo Grad-CAM: deletion %.4f insertion %.4f confidence change %.4f (inverted %.4f)%n",
                    r.deletion(), r.insertion(), r.confidenceChange(), r.invertedConfidenceChange());
        }
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
        return f;
    }
}
