package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Predictions run with oneDNN on even where the guard switched it off for gradients (its forward
 * results are right; switching it off cost resnet50's forward 4-5x on an AMD EPYC); gradient passes
 * still take the guarded path, also right after a prediction.
 */
class EnginePathPerPassTest {
    @AfterAll
    static void restore() {
        EnginePaths.restoreGuard();
    }

    private static List<float[]> inputs(Path referenceDir) throws Exception {
        List<float[]> out = new ArrayList<>();
        JsonNode index = new com.fasterxml.jackson.databind.ObjectMapper().readTree(referenceDir.resolve("reference.json").toFile());
        for (JsonNode image : index.get("images")) out.add(dev.gradcamviewer.imaging.Npy.read(referenceDir.resolve(image.get("input").asText())).data());
        return out;
    }

    private static Prediction predictWithForwardOneDnn(ModelBundle b, float[] input, boolean on) throws BundleException {
        String before = on ? System.clearProperty(TorchEngine.ONEDNN_PROPERTY) : System.setProperty(TorchEngine.ONEDNN_PROPERTY, "off");
        try {
            Prediction p = b.predict(input);
            assertTrue(TorchEngine.lastForwardOneDnn == on);
            return p;
        } finally {
            if (before == null) System.clearProperty(TorchEngine.ONEDNN_PROPERTY);
            else System.setProperty(TorchEngine.ONEDNN_PROPERTY, before);
        }
    }

    /** float32 through these networks: logits agree to 1e-4 of their size (or 1e-4 absolute), probabilities to 1e-5. */
    @Test
    void predictionsWithOneDnnOnEqualThoseWithItOff() throws Exception {
        for (String which : List.of("demo", "resnet18")) {
            Path bundlePath = which.equals("demo") ? Fixtures.demoModel() : Fixtures.dir().resolve(which).resolve(which + ".pt");
            Path refs = which.equals("demo") ? Fixtures.dir().resolve("demo") : Fixtures.dir().resolve(which).resolve("reference");
            double worst = 0;
            try (ModelBundle b = ModelBundle.open(bundlePath)) {
                for (float[] input : inputs(refs)) {
                    Prediction on = predictWithForwardOneDnn(b, input, true);
                    Prediction off = predictWithForwardOneDnn(b, input, false);
                    for (int i = 0; i < on.probabilities().length; i++) {
                        double d = Math.abs(on.probabilities()[i] - off.probabilities()[i]);
                        worst = Math.max(worst, d);
                        assertTrue(d <= 1e-5, which + ": probability " + i + " differs by " + d);
                    }
                    if (on.logits() != null) {
                        for (int i = 0; i < on.logits().length; i++) {
                            double d = Math.abs(on.logits()[i] - off.logits()[i]);
                            assertTrue(d <= 1e-4 * Math.max(1, Math.abs(off.logits()[i])), which + ": logit " + i + " differs by " + d);
                        }
                    }
                }
            }
            System.out.printf("%s: predictions with oneDNN on and off differ by at most %.2e%n", which, worst);
        }
    }

    @Test
    void aGradientPassAfterAPredictionTakesTheGuardedPath() throws Exception {
        TorchEngine.forceForTest(false); // as the guard decides on a CPU with the bug
        try (ModelBundle b = ModelBundle.open(Fixtures.demoModel())) {
            float[] input = Fixtures.demoArray(Fixtures.demoReference().get(0).get("input").asText()).data();
            b.predict(input);
            assertTrue(TorchEngine.lastForwardOneDnn, "the prediction ran with oneDNN on");
            assertFalse(TorchEngine.oneDnnEnabled(), "after the prediction the switch is back where the guard put it");
            b.explain(input, -1, Score.LOGIT, List.of(b.manifest().defaultLayer())).close();
            assertFalse(TorchEngine.lastGradientOneDnn, "the gradient pass ran with oneDNN off");
            b.predict(input);
            double worst = TorchEngine.gradient(() -> {
                double w = 0;
                for (ConvCase c : ConvCase.KNOWN_BAD) {
                    w = Math.max(w, GradientSelfCheck.relativeError(TorchEngine.convInputGradient(c, false), TorchEngine.convInputGradient(c, true)));
                }
                return w;
            });
            assertTrue(worst <= GradientSelfCheck.TOLERANCE, "the self-check's shapes on the gradient path after a prediction: " + worst);
        }
    }
}
