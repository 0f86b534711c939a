package dev.gradcamviewer.cam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.Npy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --eigen-smooth against the exporter's float64 reference (reference.py: the first component of the
 * weighted activations) on the demo's layers, from the same float64 activations and gradients; and it
 * differs from the plain sum, so the test can fail.
 */
class EigenSmoothTest {
    @Test
    void eigenSmoothedMapsMatchTheReference() throws Exception {
        Path dir = Fixtures.dir().resolve("demo");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        int compared = 0;
        double differsFromPlain = 0;
        for (JsonNode image : index.get("images")) {
            for (String tap : new String[] {"resnet_blocks.4", "resnet_blocks.3"}) {
                JsonNode ref = image.get("cams").get(tap).get("logit");
                double[] a = Npy.readDoubles(dir.resolve(ref.get("activations").asText())).data();
                double[] g = Npy.readDoubles(dir.resolve(ref.get("gradients").asText())).data();
                Npy.Array shape = Npy.read(dir.resolve(ref.get("file").asText()));
                int h = shape.shape()[0];
                int w = shape.shape()[1];
                LayerData layer = new LayerData(toFloat(a), toFloat(g), a.length / (h * w), h, w);
                for (CamMethod inner : new CamMethod[] {new GradCam(), new LayerCam()}) {
                    float[] expected = Npy.read(dir.resolve(ref.get("methods").get(inner.id() + "-eigensmooth").asText())).data();
                    CamMap got = new EigenSmooth(inner).compute(layer);
                    double worst = 0;
                    for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got.values()[i] - expected[i]));
                    assertTrue(worst <= 1e-4, image.get("file").asText() + " " + tap + " " + inner.id() + ": differs by " + worst);
                    CamMap plain = inner.compute(layer);
                    for (int i = 0; i < expected.length; i++) differsFromPlain = Math.max(differsFromPlain, Math.abs(plain.values()[i] - got.values()[i]));
                    compared++;
                }
            }
        }
        assertTrue(compared >= 20, "compared " + compared);
        assertTrue(differsFromPlain > 0.05, "eigen-smoothing changes some map");
    }

    @Test
    void itRefusesMethodsThatDoNotWeighActivations() {
        assertThrows(IllegalArgumentException.class, () -> new EigenSmooth(new EigenCam()));
        assertThrows(IllegalArgumentException.class, () -> new EigenSmooth(ScoreCam.METHOD));
        assertEquals("gradcam-eigensmooth", new EigenSmooth(new GradCam()).id());
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
        return f;
    }
}
