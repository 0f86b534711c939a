package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the encoder writes, a standard PNG reader reads back pixel for pixel. */
class PngEncoderTest {
    private static void roundTrip(BufferedImage img) throws Exception {
        for (PngEncoder.Compression c : PngEncoder.Compression.values()) roundTrip(img, c);
    }

    private static int roundTrip(BufferedImage img, PngEncoder.Compression compression) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngEncoder.write(img, out, compression);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(img.getWidth(), back.getWidth());
        assertEquals(img.getHeight(), back.getHeight());
        int w = img.getWidth();
        int h = img.getHeight();
        int[] a = img.getRGB(0, 0, w, h, null, 0, w);
        int[] b = back.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < a.length; i++) a[i] &= 0xffffff;
        for (int i = 0; i < b.length; i++) b[i] &= 0xffffff;
        assertArrayEquals(a, b, compression.name());
        return out.size();
    }

    @Test
    void noiseFlatAndRealImagesRoundTrip() throws Exception {
        Random rnd = new Random(1);
        for (int[] size : new int[][] {{1, 1}, {3, 7}, {257, 129}, {1000, 3}}) {
            BufferedImage noise = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) for (int x = 0; x < size[0]; x++) noise.setRGB(x, y, rnd.nextInt());
            roundTrip(noise);
            // a view into a larger image: its rows are not the pixel array's, read through getRGB
            if (size[0] > 2 && size[1] > 2) roundTrip(noise.getSubimage(1, 1, size[0] - 2, size[1] - 2));
            roundTrip(new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB));
        }
        DecodedImage sample = ImageDecoder.decode(Fixtures.sample("phantom-05-pneumonia-large.png"));
        float[] cells = new float[64];
        for (int i = 0; i < cells.length; i++) cells[i] = rnd.nextFloat();
        double s = sample.width() / 256.0;
        BufferedImage overlay = OverlayComposer.compose(sample, HeatmapPlacer.place(cells, 8, 8, new CellGeometry(15.5, 15.5, 32, 32),
                new CropRegion(0, 0, sample.height(), sample.width(), s, s), Placement.RECEPTIVE_FIELD), new HeatColorizer(Colormap.of("jet"), 2), 0.4);
        int fast = roundTrip(overlay, PngEncoder.Compression.FAST);
        int small = roundTrip(overlay, PngEncoder.Compression.SMALL);
        // the two really differ: string matching makes an overlay smaller; Huffman coding alone still compresses
        int raw = 3 * overlay.getWidth() * overlay.getHeight();
        assertTrue(small < fast, "small " + small + " bytes, fast " + fast);
        assertTrue(fast < 0.8 * raw, "fast " + fast + " bytes of " + raw);
    }
}
