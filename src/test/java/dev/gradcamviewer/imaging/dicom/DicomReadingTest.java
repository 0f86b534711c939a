package dev.gradcamviewer.imaging.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.Voi;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every DICOM fixture (models/tools/dicom_fixtures.py: made with pydicom, and pydicom's own test
 * files from other tools) read as a user opens it, against pydicom's decoding and an independent
 * NumPy LUT chain: stored values after the modality LUT exactly, what the model sees within 1/255
 * (a lossy syntax: within what two JPEG decoders may differ by).
 */
class DicomReadingTest {
    private static final double LOSSLESS = 1e-3;
    private static final double ONE_LEVEL = 1.0 / 255;

    static Path dir() { return Fixtures.dir().resolve("dicom"); }

    static List<JsonNode> cases() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(dir().resolve("cases.json").toFile()).forEach(out::add);
        return out;
    }

    @TestFactory
    List<DynamicTest> everyFixtureReadsLikePydicomOrIsRefusedByName() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            String file = c.get("file").asText();
            tests.add(DynamicTest.dynamicTest(file, () -> check(c, dir().resolve(file))));
        }
        return tests;
    }

    private void check(JsonNode c, Path file) throws Exception {
        assertTrue(ImageDecoder.looksLikeImage(file), "recognised as an image");
        if (c.has("refused")) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(file));
            assertTrue(e.getMessage().contains(c.get("refused").asText()), e.getMessage());
            return;
        }
        if (c.has("pydicom_error")) {
            checkWherePydicomFails(c.get("file").asText(), file);
            return;
        }
        if (c.get("file").asText().equals("pydicom-liver_1frame.dcm")) { // a segmentation mask of 1-bit pixels
            assertRefused(file, "1 bits allocated per sample are not supported");
            return;
        }
        DecodedImage img = ImageDecoder.decode(file);
        assertNotNull(img.dicom());
        Npy.Array stored = Npy.read(Path.of(file + ".stored.npy"));
        assertEquals(stored.shape()[0], img.height());
        assertEquals(stored.shape()[1], img.width());
        boolean lossy = c.path("lossy").asBoolean(false);
        if (c.path("colour").asBoolean(false)) {
            float[] rgb = stored.data();
            double worst = 0;
            for (int i = 0; i < img.width() * img.height(); i++) {
                for (int k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(img.planes()[k][i] * 255 - rgb[3 * i + k]));
            }
            assertTrue(worst <= (lossy ? 6 : 1), "colour differs from pydicom's by " + worst + " levels");
            return;
        }
        float[] modality = Npy.read(Path.of(file + ".modality.npy")).data();
        float[] input = Npy.read(Path.of(file + ".input.npy")).data();
        double tolerance = lossy ? 3.0 / 255 : ONE_LEVEL;
        double worstModality = 0;
        double worstInput = 0;
        double range = Math.max(1, img.levels().max() - img.levels().min());
        for (int i = 0; i < modality.length; i++) {
            worstModality = Math.max(worstModality, Math.abs(img.levels().values()[i] - modality[i]) / range);
            worstInput = Math.max(worstInput, Math.abs(img.planes()[0][i] - input[i]));
        }
        assertTrue(worstModality <= (lossy ? 3.0 / 255 : LOSSLESS), "modality values differ by " + worstModality + " of the range");
        assertTrue(worstInput <= tolerance, "model input differs by " + worstInput);
        if (c.has("inverted")) assertEquals(c.get("inverted").asBoolean(), img.levels().inverted());
        if (c.has("presets")) {
            List<String> labels = img.levels().presets().stream().map(Voi::label).toList();
            for (int i = 0; i < c.get("presets").size(); i++) assertEquals(c.get("presets").get(i).asText(), labels.get(i));
            assertTrue(labels.get(labels.size() - 1).startsWith("Full range"), labels.toString());
        }
        if (c.has("sop")) {
            assertEquals(c.get("sop").asText(), img.dicom().sopInstanceUid());
            assertEquals(c.get("study").asText(), img.dicom().studyUid());
            assertEquals(c.get("series").asText(), img.dicom().seriesUid());
            assertEquals("PHANTOM, DEMO", img.dicom().patientName());
        }
        if (c.has("warning")) assertTrue(String.join(";", img.warnings()).contains(c.get("warning").asText()), img.warnings().toString());
    }

    /** pydicom (without its optional plug-ins) cannot decode these; what the viewer does instead. */
    private void checkWherePydicomFails(String name, Path file) throws Exception {
        switch (name) {
            case "pydicom-MR_small_jpeg_ls_lossless.dcm" -> assertRefused(file, "JPEG-LS Lossless (1.2.840.10008.1.2.4.80) is not supported");
            case "pydicom-rtplan.dcm", "pydicom-ExplVR_LitEndNoMeta.dcm" -> assertRefused(file, "holds no image");
            case "pydicom-no_meta.dcm" -> assertRefused(file, "not a DICOM file");
            case "pydicom-MR_truncated.dcm" -> assertRefused(file, "truncated");
            case "pydicom-JPGExtended.dcm", "pydicom-JPEG-lossy.dcm" -> assertRefused(file, "JPEG Extended (1.2.840.10008.1.2.4.51) with 12-bit samples is not supported");
            default -> throw new AssertionError("a fixture this test does not know: " + name);
        }
    }

    private static void assertRefused(Path file, String text) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(file));
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertFalse(e.getMessage().contains("not an image"), e.getMessage());
    }

    @Test
    void aPhantomAsDicomGivesTheModelThePngsValues() throws Exception {
        DecodedImage png = ImageDecoder.decode(Fixtures.sample("phantom-01-pneumonia.png"));
        DecodedImage dcm = ImageDecoder.decode(dir().resolve("phantom-01-pneumonia.dcm"));
        double worst = 0;
        for (int i = 0; i < png.planes()[0].length; i++) worst = Math.max(worst, Math.abs(png.planes()[0][i] - dcm.planes()[0][i]));
        assertTrue(worst < 1e-6, "differs by " + worst);
    }
}
