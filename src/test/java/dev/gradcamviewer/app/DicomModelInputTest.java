package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.model.Manifest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest's dicom_window rule picks what the model sees, as the NumPy LUT chain (dicom_input.py) does. */
class DicomModelInputTest {
    private static Manifest.InputSpec spec(Manifest.DicomWindow rule) {
        return new Manifest.InputSpec(List.of(1, 3, 256, 256), "RGB", 256, List.of(256, 256), "bilinear",
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), rule);
    }

    @ParameterizedTest
    @CsvSource({"mono2-windows.dcm,full-range", "mono2-windows.dcm,fixed", "mono1.dcm,full-range", "mono1.dcm,fixed",
            "rescale-signed.dcm,full-range", "rescale-signed.dcm,fixed", "mono2-windows.dcm,file"})
    void theRuleGivesTheModelTheReferenceGrayLevels(String file, String rule) throws Exception {
        Path dir = Fixtures.dir().resolve("dicom");
        DecodedImage image = ImageDecoder.decode(dir.resolve(file));
        Manifest.DicomWindow w = rule.equals("fixed") ? new Manifest.DicomWindow("fixed", 1500.0, 1000.0) : new Manifest.DicomWindow(rule, null, null);
        DecodedImage forModel = ModelInputs.forModel(image, spec(w));
        if (rule.equals("file")) {
            assertSame(image, forModel, "the file's window is what the planes already hold");
            return;
        }
        float[] expected = Npy.read(dir.resolve(file + "." + rule + ".npy")).data();
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(forModel.planes()[0][i] - expected[i]));
        assertTrue(worst <= 1.0 / 255, file + " " + rule + " differs by " + worst);
        assertEquals(image.planes()[0].length, forModel.planes()[0].length);
    }
}
