package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
