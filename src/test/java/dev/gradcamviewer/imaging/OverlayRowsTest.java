package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The overlay made a row at a time is the one composed whole, pixel for pixel, wherever the map lies. */
class OverlayRowsTest {
    @Test
    void rowsGiveTheComposedPixels() throws Exception {
        HeatColorizer colours = new HeatColorizer(Colormap.of("jet"), 2);
        float[] cells = new float[7 * 7];
        Random rnd = new Random(11);
        for (int i = 0; i < cells.length; i++) cells[i] = rnd.nextFloat();
        for (String sample : new String[] {"phantom-03-pneumonia-portrait.png", "phantom-06-pneumonia-16bit.png", "phantom-04-normal-landscape.jpg"}) {
            DecodedImage img = ImageDecoder.decode(Fixtures.sample(sample));
            double side = Math.min(img.width(), img.height());
            CropRegion[] crops = {
                    // a centre crop; one hanging over the top left; one over the bottom right (a padded input)
                    new CropRegion((img.height() - side) / 2, (img.width() - side) / 2, side, side, side / 224, side / 224),
                    new CropRegion(-37.5, -61.25, side, side, side / 224, side / 224),
                    new CropRegion(img.height() - side / 2, img.width() - side / 3, side, side, side / 224, side / 224)};
            for (CropRegion crop : crops) {
                for (Placement placement : Placement.values()) {
                    CellGeometry g = placement == Placement.RESIZE ? CellGeometry.halfPixel(7, 7, 224, 224) : new CellGeometry(15.5, 15.5, 32, 32);
                    for (double alpha : new double[] {0, 0.4, 1}) {
                        BufferedImage whole = OverlayComposer.compose(img, HeatmapPlacer.place(cells, 7, 7, g, crop, placement), colours, alpha);
                        int[] expected = whole.getRGB(0, 0, img.width(), img.height(), null, 0, img.width());
                        OverlayRows rows = new OverlayRows(img, HeatmapPlacer.rows(cells, 7, 7, g, crop, placement), colours, alpha);
                        int[] actual = new int[img.width() * img.height()];
                        int[] row = new int[img.width()];
                        for (int y = 0; y < img.height(); y++) {
                            java.util.Arrays.fill(row, 0x123456); // what a row held before is overwritten
                            rows.row(y, row);
                            System.arraycopy(row, 0, actual, y * img.width(), img.width());
                        }
                        for (int i = 0; i < expected.length; i++) expected[i] &= 0xffffff;
                        assertArrayEquals(expected, actual, sample + " " + crop + " " + placement + " alpha " + alpha);
                    }
                }
            }
            int[] plain = OverlayComposer.displayPixels(img);
            int[] first = new int[img.width()];
            new OverlayRows(img, HeatmapPlacer.rows(cells, 7, 7, CellGeometry.halfPixel(7, 7, 224, 224), crops[0], Placement.RESIZE), colours, 0.4)
                    .row(img.height() / 2, first);
            assertNotEquals(plain[img.height() / 2 * img.width() + img.width() / 2], first[img.width() / 2], sample + ": the heat shows in the middle");
        }
    }
}
