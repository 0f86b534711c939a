package dev.gradcamviewer.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestReaderTest {
    static final String VALID = """
            {"format": "gradcam-viewer-bundle", "format_version": 1,
             "model": {"name": "demo", "description": "d", "architecture": "XRayClassifier"},
             "tree": "XRayClassifier(\\n  (a): Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))\\n)",
             "input": {"shape": [1, 3, 256, 256], "colour": "RGB", "resize": 256, "center_crop": [256, 256],
                       "interpolation": "bilinear", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
             "output": {"activation": "sigmoid", "labels": ["Normal", "Pneumonia"], "returns_logits": true,
                        "logits_module": "sigmoid", "classes": 1},
             "taps": [{"name": "a", "type": "Conv2d", "shape": [1, 4, 254, 254],
                       "geometry": {"origin": [1.0, 1.0], "step": [1.0, 1.0], "source": "analytic"}}],
             "default_layer": "a", "not_tapped": [], "versions": {"torch": "1.13", "exporter": "1.0.0"}}
            """;

    @Test
    void readsEveryField() throws BundleException {
        Manifest m = ManifestReader.read(VALID);
        assertEquals("demo", m.model().name());
        assertEquals(256, m.input().height());
        assertEquals(256, m.input().centerCrop().get(1));
        assertTrue(m.output().returnsLogits());
        assertEquals("a", m.taps().get(0).name());
        assertEquals(1.0, m.taps().get(0).geometry().origin().get(0));
        assertEquals("a", m.defaultLayer());
    }

    @Test
    void bicubicResamplingIsReadAndAnUnknownOneRefused() throws BundleException {
        assertEquals("bicubic", ManifestReader.read(VALID.replace("\"bilinear\"", "\"bicubic\"")).input().interpolation());
        BundleException e = assertThrows(BundleException.class, () -> ManifestReader.read(VALID.replace("\"bilinear\"", "\"lanczos\"")));
        assertTrue(e.getMessage().contains("'lanczos' is not supported (bilinear or bicubic)"), e.getMessage());
    }

    @Test
    void thePreprocessingIsDescribedInOneLine() throws BundleException {
        String effnet = VALID.replace("[1, 3, 256, 256]", "[1, 3, 224, 224]").replace("[256, 256]", "[224, 224]").replace("\"bilinear\"", "\"bicubic\"")
                .replace("\"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5]", "\"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225]");
        assertEquals("Input 3x224x224: shorter side to 256, centre crop 224x224, bicubic; mean 0.485 0.456 0.406, std 0.229 0.224 0.225",
                dev.gradcamviewer.app.ModelInputs.describe(ManifestReader.read(effnet).input()));
    }

    @Test
    void namesAMissingField() {
        String broken = VALID.replace("\"mean\": [0.5, 0.5, 0.5], ", "");
        BundleException e = assertThrows(BundleException.class, () -> ManifestReader.read(broken));
        assertEquals("the Grad-CAM manifest lacks the field 'input.mean'", e.getMessage());
        BundleException labels = assertThrows(BundleException.class,
                () -> ManifestReader.read(VALID.replace("\"labels\": [\"Normal\", \"Pneumonia\"], ", "")));
        assertTrue(labels.getMessage().contains("'output.labels'"));
    }

    @Test
    void refusesAnUnknownFormatVersion() {
        BundleException e = assertThrows(BundleException.class,
                () -> ManifestReader.read(VALID.replace("\"format_version\": 1", "\"format_version\": 7")));
        assertTrue(e.getMessage().contains("format version 7"), e.getMessage());
    }

    @Test
    void refusesOtherFormatsAndBadJson() {
        assertTrue(assertThrows(BundleException.class, () -> ManifestReader.read(VALID.replace("gradcam-viewer-bundle", "other")))
                .getMessage().contains("'other'"));
        assertTrue(assertThrows(BundleException.class, () -> ManifestReader.read("{not json"))
                .getMessage().contains("not valid JSON"));
    }

    @Test
    void checksValues() {
        assertTrue(assertThrows(BundleException.class, () -> ManifestReader.read(VALID.replace("\"std\": [0.5, 0.5, 0.5]", "\"std\": [0.5]")))
                .getMessage().contains("mean and std"));
        assertTrue(assertThrows(BundleException.class, () -> ManifestReader.read(VALID.replace("\"default_layer\": \"a\"", "\"default_layer\": \"b\"")))
                .getMessage().contains("'b'"));
        assertTrue(assertThrows(BundleException.class, () -> ManifestReader.read(VALID.replace("\"activation\": \"sigmoid\"", "\"activation\": \"tanh\"")))
                .getMessage().contains("tanh"));
    }
}
