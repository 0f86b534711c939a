package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images are read as a viewer shows them (EXIF orientation applied), and a file cut short is said to be. */
class OrientationAndTruncationTest {
    private static Path file(String name) { return Fixtures.dir().resolve("decoding").resolve(name); }

    private static double meanDiff(DecodedImage a, DecodedImage b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        double s = 0;
        for (int i = 0; i < a.planes()[0].length; i++) s += Math.abs(a.planes()[0][i] - b.planes()[0][i]);
        return s / a.planes()[0].length;
    }

    @Test
    void exifOrientationSixAndEightAreTurnedUpright() throws Exception {
        DecodedImage upright = ImageDecoder.decode(file("upright.jpg"));
        assertEquals(900, upright.width());
        assertTrue(upright.warnings().isEmpty(), upright.warnings().toString());
        for (String name : new String[] {"exif6.jpg", "exif8.jpg"}) {
            DecodedImage turned = ImageDecoder.decode(file(name));
            assertEquals(900, turned.width(), name);
            assertEquals(1200, turned.height(), name);
            double d = meanDiff(upright, turned);
            assertTrue(d < 0.01, name + " differs from the upright image by " + d + " on average: turned the wrong way?");
            assertTrue(turned.warnings().get(0).contains("orientation tag"), turned.warnings().toString());
        }
    }

    @Test
    void everyOrientationMatchesItsDefinition() {
        // a 3x2 image with distinct values; expected pixel rows after each orientation (TIFF 6.0)
        DecodedImage img = new DecodedImage(3, 2, new float[][] {{1, 2, 3, 4, 5, 6}}, 8);
        float[][] expected = {
            null, {1, 2, 3, 4, 5, 6}, {3, 2, 1, 6, 5, 4}, {6, 5, 4, 3, 2, 1}, {4, 5, 6, 1, 2, 3},
            {1, 4, 2, 5, 3, 6}, {4, 1, 5, 2, 6, 3}, {6, 3, 5, 2, 4, 1}, {3, 6, 2, 5, 1, 4}};
        for (int o = 1; o <= 8; o++) {
            DecodedImage out = Orientation.apply(img, o);
            assertEquals(o >= 5 ? 2 : 3, out.width(), "orientation " + o);
            assertArrayEquals(expected[o], out.planes()[0], "orientation " + o);
        }
    }

    @Test
    void theStoredPixelsAreOnlyMoved() throws Exception {
        BufferedImage stored = ImageIO.read(file("exif6.jpg").toFile());
        DecodedImage raw = ImageDecoder.fromBuffered(stored);
        DecodedImage turned = ImageDecoder.decode(file("exif6.jpg"));
        assertArrayEquals(Orientation.apply(raw, 6).planes()[0], turned.planes()[0]);
    }

    @Test
    void aTruncatedJpegIsFlagged() throws Exception {
        DecodedImage img = ImageDecoder.decode(file("truncated.jpg"));
        assertTrue(img.truncated(), img.warnings().toString());
        assertFalse(ImageDecoder.decode(file("upright.jpg")).truncated());
    }
}
