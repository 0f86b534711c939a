package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CheXNet-like model: 14 findings, each with its own sigmoid, ending in a Sigmoid or returning logits. */
class MultiLabelTest {
    @ParameterizedTest
    @ValueSource(strings = {"chex-sigmoid", "chex-logits"})
    void eachFindingHasItsOwnProbabilityAndAnyOneCanBeExplained(String which) throws Exception {
        Path dir = Fixtures.dir().resolve(which).resolve("reference");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        try (ModelBundle bundle = ModelBundle.open(Fixtures.dir().resolve(which).resolve(which + ".pt"))) {
            assertTrue(bundle.manifest().output().isMultiLabel());
            assertEquals(14, bundle.labels().size());
            for (JsonNode image : index.get("images")) {
                float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
                float[] expected = Npy.read(dir.resolve(image.get("probabilities").asText())).data();
                Prediction p = bundle.predict(input);
                assertEquals(14, p.probabilities().length);
                double sum = 0;
                int positives = 0;
                for (int i = 0; i < 14; i++) {
                    assertEquals(expected[i], p.probabilities()[i], 1e-5, which + " " + bundle.labels().get(i));
                    sum += p.probabilities()[i];
                    if (p.isPositive(i)) positives++;
                }
                assertTrue(sum > 1.5, "not a softmax: the probabilities sum to " + sum);
                assertTrue(positives > 1, "several findings at once");
                // any finding, not only the top one: the probability score is that finding's sigmoid
                for (int target : List.of(0, 6, 13)) {
                    try (PassResult pass = bundle.explain(input, target, Score.PROBABILITY, List.of("features.3"))) {
                        assertEquals(target, pass.target());
                        assertTrue(pass.tap("features.3").gradients().length > 0);
                    }
                }
            }
        }
    }
}
