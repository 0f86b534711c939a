package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.GradCam;
import dev.gradcamviewer.cam.LayerData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard in force on the demo model: where the self-check finds libtorch's oneDNN gradient bug,
 * the CAM computed with oneDNN on is wrong and the one after the guard is right; on a CPU without
 * the bug, the CAM is right both ways.
 */
class OneDnnCamTest {
    @AfterAll
    static void restore() {
        TorchEngine.resetForTest(true);
        TorchEngine.gradientCheck();
    }

    private static double camError(ModelBundle b, JsonNode image, float[] input) throws BundleException {
        TapTensors t;
        try (PassResult r = b.explain(input, image.get("target").asInt(), Score.LOGIT, java.util.List.of("base_model.4"))) {
            t = r.tap("base_model.4");
        }
        float[] cam = new GradCam().compute(new LayerData(t.activations(), t.gradients(), t.channels(), t.height(), t.width())).values();
        float[] ref = Fixtures.demoArray(image.get("cams").get("base_model.4").get("logit").get("file").asText()).data();
        double max = 0;
        for (int i = 0; i < ref.length; i++) max = Double.isNaN(cam[i]) ? Double.POSITIVE_INFINITY : Math.max(max, Math.abs(ref[i] - cam[i]));
        return max;
    }

    @Test
    void demoCamIsRightAfterTheGuard() throws Exception {
        JsonNode image = Fixtures.demoReference().get(0);
        float[] input = Fixtures.demoArray(image.get("input").asText()).data();
        try (ModelBundle b = ModelBundle.open(Fixtures.demoModel())) {
            TorchEngine.resetForTest(true);
            GradientSelfCheck.Report report = TorchEngine.gradientCheck();
            double guarded = camError(b, image, input);
            OneDnnSwitch.setEnabled(true);
            double withOneDnn = camError(b, image, input);
            System.out.printf("self-check %s; demo CAM max |diff| with oneDNN on %.3g, as guarded %.3g%n", report.outcome(), withOneDnn, guarded);
            assertTrue(guarded <= 1e-4, "the guarded CAM must equal the reference: " + guarded);
            if (report.outcome() == GradientSelfCheck.Outcome.PASSED_WITH_ONEDNN_OFF) {
                assertTrue(withOneDnn > 1e-2, "the check switched oneDNN off, so its CAM should be visibly wrong: " + withOneDnn);
            } else {
                assertTrue(withOneDnn <= 1e-4, "no bug found, so oneDNN's CAM must be right too: " + withOneDnn);
            }
        }
    }
}
