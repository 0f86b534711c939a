package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.Npy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBundleTest {
    private static ModelBundle demo;

    @BeforeAll
    static void open() throws BundleException {
        demo = ModelBundle.open(Fixtures.demoModel());
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    @Test
    void demoBundleDescribesItself() {
        assertTrue(demo.hasManifest());
        assertEquals(List.of("Normal", "Pneumonia"), demo.labels());
        assertEquals("resnet_blocks.4", demo.manifest().defaultLayer());
        assertTrue(demo.manifest().output().returnsLogits());
        assertTrue(demo.tapNames().containsAll(List.of("resnet_blocks.0", "resnet_blocks.4", "resnet_blocks.4.conv1")));
        assertTrue(demo.manifest().model().description().toLowerCase().contains("not for clinical use"));
        assertEquals(64, demo.sha256().length());
        LayerNode block = demo.tree().find("resnet_blocks.4").orElseThrow();
        assertTrue(block.isTapped());
        assertEquals("(4): ResNetBlock", block.label());
        LayerNode head = demo.tree().find("classifier.0").orElseThrow();
        assertFalse(head.isTapped());
        assertFalse(head.untappedReason().isEmpty());
        Manifest.Geometry g = demo.manifest().taps().stream().filter(t -> t.name().equals("resnet_blocks.4")).findFirst()
                .orElseThrow().geometry();
        assertEquals(List.of(0.0, 0.0), g.origin());
        assertEquals(List.of(32.0, 32.0), g.step());
    }

    /** Fed the reference's preprocessed tensors, Java's predictions equal the exporter's within 1e-5. */
    @Test
    void predictionsEqualTheReference() throws BundleException {
        for (JsonNode image : Fixtures.demoReference()) {
            Npy.Array input = Fixtures.demoArray(image.get("input").asText());
            float[] expected = Fixtures.demoArray(image.get("probabilities").asText()).data();
            Prediction p = demo.predict(input.data());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], p.probabilities()[i], 1e-5, image.get("file").asText());
            }
            float[] logits = Fixtures.demoArray(image.get("logits").asText()).data();
            assertEquals(logits[0], p.logits()[0], 1e-4 * Math.max(1, Math.abs(logits[0])));
            assertEquals(image.get("target").asInt(), p.predicted());
        }
    }

    @Test
    void wrongInputSizeIsAClearError() {
        BundleException e = assertThrows(BundleException.class, () -> demo.predict(new float[10]));
        assertTrue(e.getMessage().contains("[1, 3, 256, 256]"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "not-a-model.pt, not a TorchScript model",
            "image-renamed.pt, not a TorchScript model",
            "state-dict.pt, pickled PyTorch file",
            "missing-field.pt, lacks the field 'input.mean'",
            "version-99.pt, format version 99",
            "wrong-tap-shape.pt, taps disagree with its manifest",
            "truncated.pt, damaged archive",
            "does-not-exist.pt, not found",
            "lie-labels.pt, returns 3 output(s) but its manifest names 4 labels",
            "lie-crop.pt, center_crop [32, 32] is not the model's input size 64x64",
            "lie-duplicate-label.pt, names a label twice",
            "lie-geometry.pt, cell geometry that is not two finite origins and two positive steps",
            "lie-duplicate-tap.pt, names tap",
            "lie-softmax.pt, ends in softmax"})
    void badModelFilesAreRefusedByName(String file, String expected) {
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(Fixtures.bad(file)));
        assertTrue(e.getMessage().contains(expected), file + ": " + e.getMessage());
    }

    @Test
    void aNanPredictionIsAnErrorNotARow() throws BundleException {
        try (ModelBundle nan = ModelBundle.open(Fixtures.bad("nan-output.pt"))) {
            ImageFailedException e = assertThrows(ImageFailedException.class, () -> nan.predict(new float[3 * 64 * 64]));
            assertTrue(e.getMessage().contains("not a number"), e.getMessage());
            assertThrows(ImageFailedException.class, () -> nan.explain(new float[3 * 64 * 64], -1, Score.PROBABILITY, null).close());
        }
    }

    @Test
    void plainTorchScriptPredictsButCannotExplain() throws BundleException {
        try (ModelBundle plain = ModelBundle.open(Fixtures.bad("plain.pt"))) {
            assertFalse(plain.hasManifest());
            assertTrue(plain.tapNames().isEmpty());
            assertEquals("softmax", plain.manifest().output().activation());
            assertEquals(3, plain.labels().size());
            Prediction p = plain.predict(new float[3 * 224 * 224]);
            float sum = 0;
            for (float v : p.probabilities()) sum += v;
            assertEquals(1f, sum, 1e-5);
            assertTrue(plain.manifest().model().description().contains("CAMs need the exporter"));
        }
    }

    @Test
    void smallValidBundleWithSoftmaxOpens() throws BundleException {
        try (ModelBundle tiny = ModelBundle.open(Fixtures.bad("tiny.pt"))) {
            assertEquals("softmax", tiny.manifest().output().activation());
            assertTrue(tiny.manifest().output().returnsLogits());
            assertEquals(List.of("a", "b", "c"), tiny.labels());
        }
    }
}
