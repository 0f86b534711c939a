package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThumbnailsTest {
    @Test
    void fitsAnyFormatIntoTheBox() throws Exception {
        for (String f : new String[] {"phantom-07-normal.tif", "phantom-06-pneumonia-16bit.png", "phantom-03-pneumonia-portrait.png"}) {
            DecodedImage img = ImageDecoder.decode(Fixtures.sample(f));
            int[] dims = new int[2];
            int[] px = Thumbnails.argb(img, 48, dims);
            assertEquals(48, Math.max(dims[0], dims[1]), f);
            assertEquals(dims[0] * dims[1], px.length);
            assertTrue(java.util.Arrays.stream(px).allMatch(p -> (p >>> 24) == 0xff));
            assertTrue(java.util.Arrays.stream(px).distinct().count() > 20, f + " has detail");
        }
    }
}
