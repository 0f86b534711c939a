package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The overlay written a band at a time is the one composed whole, pixel for pixel, across band edges. */
class BandedOverlayTest {
    @Test
    void bandsGiveTheSamePixelsAsTheWholeImage(@TempDir Path dir) throws Exception {
        for (String sample : new String[] {"phantom-03-pneumonia-portrait.png", "phantom-06-pneumonia-16bit.png", "phantom-04-normal-landscape.jpg"}) {
            Path source = Fixtures.sample(sample);
            DecodedImage img = ImageDecoder.decode(source);
            float[] cells = new float[8 * 8];
            Random rnd = new Random(5);
            for (int i = 0; i < cells.length; i++) cells[i] = rnd.nextFloat();
            // a crop like a centre crop of a 256-px model input, not aligned to anything
            double scale = Math.min(img.width(), img.height()) / 256.0;
            CropRegion crop = new CropRegion((img.height() - 256 * scale) / 2, (img.width() - 256 * scale) / 2, 256 * scale, 256 * scale, scale, scale);
            HeatColorizer colours = new HeatColorizer(Colormap.of("jet"), 2);
            for (Placement placement : Placement.values()) {
                CellGeometry g = placement == Placement.RESIZE ? CellGeometry.halfPixel(8, 8, 256, 256) : new CellGeometry(15.5, 15.5, 32, 32);
                BufferedImage whole = OverlayComposer.compose(img, HeatmapPlacer.place(cells, 8, 8, g, crop, placement), colours, 0.4);
                Path out = dir.resolve("banded.png");
                try (OutputStream o = Files.newOutputStream(out)) {
                    BandedOverlay.writePng(source, img.width(), img.height(), HeatmapPlacer.rows(cells, 8, 8, g, crop, placement),
                            colours, 0.4, o, PngEncoder.Compression.FAST, 97L * img.width());
                }
                BufferedImage banded = ImageIO.read(out.toFile());
                assertEquals(whole.getWidth(), banded.getWidth());
                assertEquals(whole.getHeight(), banded.getHeight());
                int[] a = whole.getRGB(0, 0, whole.getWidth(), whole.getHeight(), null, 0, whole.getWidth());
                int[] b = banded.getRGB(0, 0, whole.getWidth(), whole.getHeight(), null, 0, whole.getWidth());
                assertArrayEquals(a, b, sample + " " + placement);
            }
        }
    }
}
