package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.ParameterRandomiser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model-parameter randomisation test on the demo: Grad-CAM's maps change as the blocks are
 * randomised and it passes; an edge map of the input (a "method" that never looks at the model,
 * defined only here) stays the same and fails; and the model's weights are the trained ones again
 * afterwards.
 */
class SanityCheckTest {
    /** Sobel gradient magnitude of the model input's first channel: the image's edges, whatever the model. */
    static final SanityCheck.MapSource EDGES = new SanityCheck.MapSource() {
        @Override public String id() { return "edges"; }

        @Override public float[] map(ModelBundle bundle, ExplainedImage ex, String layer) {
            var in = ex.input();
            int w = in.width(), h = in.height();
            float[] x = in.tensor();
            float[] out = new float[w * h];
            for (int y = 1; y < h - 1; y++) {
                for (int i = 1; i < w - 1; i++) {
                    int c = y * w + i;
                    double gx = x[c - w + 1] + 2 * x[c + 1] + x[c + w + 1] - x[c - w - 1] - 2 * x[c - 1] - x[c + w - 1];
                    double gy = x[c + w - 1] + 2 * x[c + w] + x[c + w + 1] - x[c - w - 1] - 2 * x[c - w] - x[c - w + 1];
                    out[c] = (float) Math.hypot(gx, gy);
                }
            }
            return out;
        }
    };

    @Test
    void gradCamPassesAndAnEdgeMapFails() throws Exception {
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            List<SanityCheck.Input> images = new ArrayList<>();
            for (String s : List.of("phantom-01-pneumonia.png", "phantom-02-normal.png", "phantom-08-pneumonia.bmp", "phantom-09-normal-portrait.png")) {
                Path f = Fixtures.sample(s);
                DecodedImage img = ImageDecoder.decode(f);
                images.add(new SanityCheck.Input(f, img, ModelInputs.preprocess(img, bundle.manifest().input())));
            }
            List<String> steps = ParameterRandomiser.cascade(bundle);
            assertEquals(List.of("classifier.0", "resnet_blocks.4", "resnet_blocks.3", "resnet_blocks.2", "resnet_blocks.1", "resnet_blocks.0"), steps,
                    "the demo's blocks from the output down");
            float[] before = bundle.predict(images.get(0).input().tensor()).probabilities();
            List<SanityCheck.Result> results = SanityCheck.run(bundle, images, "resnet_blocks.4",
                    List.of(SanityCheck.of(CamMethods.byName("gradcam").orElseThrow()), EDGES), steps, 2018, s -> { });
            SanityCheck.Result gradcam = results.get(0);
            SanityCheck.Result edges = results.get(1);
            assertEquals(1.0, gradcam.ssim()[0], 1e-12, "step 0 is the trained model's map itself");
            assertFalse(gradcam.fails(), "Grad-CAM's maps change with the weights: ssim " + java.util.Arrays.toString(gradcam.ssim())
                    + " baseline " + gradcam.baselineSsim());
            assertTrue(gradcam.ssim()[steps.size()] < gradcam.baselineSsim());
            assertTrue(edges.fails(), "the edge map does not depend on the model: ssim " + java.util.Arrays.toString(edges.ssim()));
            assertEquals(1.0, edges.ssim()[steps.size()], 1e-9);
            assertArrayEquals(before, bundle.predict(images.get(0).input().tensor()).probabilities(), 0f, "the trained weights are back");
        }
    }
}
