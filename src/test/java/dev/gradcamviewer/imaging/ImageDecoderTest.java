package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    @Test
    void sixteenBitPngKeepsItsDepth() throws Exception {
        DecodedImage img = ImageDecoder.decode(Fixtures.sample("phantom-06-pneumonia-16bit.png"));
        assertEquals(16, img.bitDepth());
        assertTrue(img.isGray());
        assertEquals(1200, img.width());
        assertEquals(1500, img.height());
    }

    @Test
    void sixteenBitPngKeepsItsGrayLevelsForWindowingAndEightBitDoesNot() throws Exception {
        DecodedImage img = ImageDecoder.decode(Fixtures.sample("phantom-06-pneumonia-16bit.png"));
        GrayLevels levels = img.levels();
        assertEquals("Whole bit depth (0 to 65535)", levels.presets().get(0).label());
        assertTrue(levels.presets().get(1).label().startsWith("Full range ("), levels.presets().get(1).label());
        for (int i = 0; i < img.planes()[0].length; i += 997) {
            assertEquals(img.planes()[0][i] * 65535, levels.values()[i], 0.01, "the planes are the values / 65535");
            assertEquals(img.planes()[0][i], levels.defaultVoi().apply(levels.values()[i]), 1e-6, "the default preset gives the planes");
        }
        float[] narrow = levels.render(new Voi.Range(levels.min(), (levels.min() + levels.max()) / 2, "half"), false);
        assertTrue(narrow[img.width() * img.height() / 2] >= img.planes()[0][img.width() * img.height() / 2], "a narrower window brightens");
        assertNull(ImageDecoder.decode(Fixtures.sample("phantom-02-normal.png")).levels());
        assertNull(ImageDecoder.decode(Fixtures.sample("phantom-08-pneumonia.bmp")).levels());
    }

    @Test
    void readsEveryShippedFormat() throws Exception {
        for (String f : new String[] {"phantom-04-normal-landscape.jpg", "phantom-07-normal.tif", "phantom-08-pneumonia.bmp",
                "phantom-03-pneumonia-portrait.png"}) {
            DecodedImage img = ImageDecoder.decode(Fixtures.sample(f));
            assertTrue(img.width() > 0 && img.height() > 0, f);
        }
        assertEquals(3, ImageDecoder.decode(Fixtures.sample("phantom-08-pneumonia.bmp")).channels());
    }

    @Test
    void corruptAndMissingFilesGiveClearMessages(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("broken.png");
        Files.write(junk, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(junk));
        assertTrue(e.getMessage().startsWith("broken.png"), e.getMessage());
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "hello");
        assertTrue(assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(text)).getMessage().contains("notes.png"));
        assertTrue(assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(dir.resolve("none.png"))).getMessage()
                .contains("not found"));
    }

    /** Interleaved 8-bit colour is read from its bytes directly: the same colours getRGB gives, for every layout seen. */
    @org.junit.jupiter.api.Test
    void colourFromTheBytesEqualsGetRgb() {
        java.util.Random rnd = new java.util.Random(5);
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage img = new BufferedImage(37, 23, type);
            for (int y = 0; y < 23; y++) for (int x = 0; x < 37; x++) img.setRGB(x, y, rnd.nextInt() | 0xff000000);
            for (BufferedImage view : new BufferedImage[] {img, img.getSubimage(3, 2, 30, 20)}) {
                DecodedImage d = ImageDecoder.fromBuffered(view);
                int w = view.getWidth();
                for (int y = 0; y < view.getHeight(); y++) {
                    for (int x = 0; x < w; x++) {
                        int p = view.getRGB(x, y);
                        assertEquals((p >> 16) & 0xff, Math.round(d.planes()[0][y * w + x] * 255), "red, type " + type);
                        assertEquals((p >> 8) & 0xff, Math.round(d.planes()[1][y * w + x] * 255), "green, type " + type);
                        assertEquals(p & 0xff, Math.round(d.planes()[2][y * w + x] * 255), "blue, type " + type);
                    }
                }
            }
        }
    }
}
