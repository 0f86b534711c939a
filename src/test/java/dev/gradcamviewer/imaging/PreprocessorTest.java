package dev.gradcamviewer.imaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreprocessorTest {
    static final PreprocessSpec DEMO = new PreprocessSpec(3, 256, 256, 256, new float[] {.5f, .5f, .5f}, new float[] {.5f, .5f, .5f});

    /** Java's preprocessing of every sample file equals the exporter's reference tensor (PIL). */
    @Test
    void samplesMatchTheReferenceTensors() throws Exception {
        for (JsonNode image : Fixtures.demoReference()) {
            Path file = Fixtures.sample(image.get("file").asText());
            Preprocessed p = Preprocessor.apply(ImageDecoder.decode(file), DEMO);
            float[] ref = Fixtures.demoArray(image.get("input").asText()).data();
            assertEquals(ref.length, p.tensor().length);
            double sum = 0;
            double max = 0;
            for (int i = 0; i < ref.length; i++) {
                // the tensor is normalised with std 0.5: one pixel level is 2/255 there
                double d = Math.abs(ref[i] - p.tensor()[i]) * 0.5;
                sum += d;
                max = Math.max(max, d);
            }
            double mean = sum / ref.length;
            System.out.printf("%s: mean %.2e, max %.2e (pixel units)%n", file.getFileName(), mean, max);
            assertTrue(mean <= 1 / 255.0, file + ": mean " + mean);
            assertTrue(max <= 4 / 255.0, file + ": max " + max);
            JsonNode crop = image.get("crop");
            assertEquals(crop.get(0).asDouble(), p.crop().top(), 1e-9);
            assertEquals(crop.get(1).asDouble(), p.crop().left(), 1e-9);
            assertEquals(crop.get(2).asDouble(), p.crop().height(), 1e-9);
            assertEquals(crop.get(3).asDouble(), p.crop().width(), 1e-9);
        }
    }

    @Test
    void portraitCropIsCentredWithTorchvisionRounding() throws ImageDecodeException {
        DecodedImage img = new DecodedImage(100, 301, new float[][] {new float[100 * 301]}, 8);
        Preprocessed p = Preprocessor.apply(img, new PreprocessSpec(1, 50, 50, 50, new float[] {0}, new float[] {1}));
        // resized to 50 x 150 (int(50 * 301 / 100) = 150), crop top = round(100 / 2) = 50
        assertEquals(50, p.height());
        assertEquals(50 * (301 / 150.0), p.crop().top(), 1e-9);
        assertEquals(0, p.crop().left(), 1e-9);
    }

    @Test
    void tooSmallForTheCropIsAClearError() {
        DecodedImage img = new DecodedImage(10, 10, new float[][] {new float[100]}, 8);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> Preprocessor.apply(img, new PreprocessSpec(1, 0, 64, 64, new float[] {0}, new float[] {1})));
        assertTrue(e.getMessage().contains("too small"));
    }

    @Test
    void grayBecomesRgbAndRgbBecomesLuma() {
        DecodedImage gray = new DecodedImage(1, 1, new float[][] {{0.25f}}, 8);
        assertEquals(3, Preprocessor.convert(gray, 3).length);
        DecodedImage rgb = new DecodedImage(1, 1, new float[][] {{1f}, {0f}, {0f}}, 8);
        assertEquals(0.299f, Preprocessor.convert(rgb, 1)[0][0], 1e-6);
    }

    /** A bundle recording bicubic resampling (torchvision's EfficientNet weights) is resized with PIL's BICUBIC filter, not the bilinear one. */
    @Test
    void aBicubicSpecResizesWithTheBicubicFilter() throws ImageDecodeException {
        int w = 97;
        int h = 61;
        float[] plane = new float[w * h];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < plane.length; i++) plane[i] = r.nextFloat();
        DecodedImage img = new DecodedImage(w, h, new float[][] {plane}, 8);
        Preprocessed cubic = Preprocessor.apply(img, new PreprocessSpec(1, 40, 40, 40, new float[] {0}, new float[] {1}, true));
        Preprocessed linear = Preprocessor.apply(img, new PreprocessSpec(1, 40, 40, 40, new float[] {0}, new float[] {1}));
        float[] expected = Resampler.bicubic(plane, w, h, 63, 40); // int(40 * 97 / 61) = 63; crop left round(23 / 2) = 12
        double worst = 0;
        double apart = 0;
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                float clipped = Math.max(0f, Math.min(1f, expected[y * 63 + x + 12])); // as PIL clips 8-bit data
                worst = Math.max(worst, Math.abs(cubic.tensor()[y * 40 + x] - clipped));
                apart = Math.max(apart, Math.abs(cubic.tensor()[y * 40 + x] - linear.tensor()[y * 40 + x]));
            }
        }
        assertEquals(0, worst, 0);
        assertTrue(apart > 1e-3, "bicubic differs from bilinear: " + apart);
    }
}
