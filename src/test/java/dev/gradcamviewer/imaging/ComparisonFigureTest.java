package dev.gradcamviewer.imaging;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The comparison figure: panels with a score line under their label get a second line of room, and draw it. */
class ComparisonFigureTest {
    @Test
    void scoreLinesAreDrawnUnderTheLabels() {
        DecodedImage image = new DecodedImage(32, 32, new float[][] {new float[32 * 32]}, 8);
        HeatColorizer colours = new HeatColorizer(Colormap.of("jet"), 2);
        List<ComparisonFigure.Panel> plain = List.of(new ComparisonFigure.Panel("a", null), new ComparisonFigure.Panel("b", null));
        List<ComparisonFigure.Panel> scored = List.of(new ComparisonFigure.Panel("a", null, "deletion 0.16 · insertion 0.99 (random 0.84 · 0.98)"),
                new ComparisonFigure.Panel("b", null, "deletion 0.50"));
        BufferedImage without = ComparisonFigure.compose(image, plain, colours, 0.4, List.of("header"), 100);
        BufferedImage with = ComparisonFigure.compose(image, scored, colours, 0.4, List.of("header"), 100);
        assertEquals(without.getHeight() + 20, with.getHeight(), "one more line under the one row of tiles");
        int y = with.getHeight() - (with.getHeight() - without.getHeight()) - 14 - 20 - 12 - 16; // the score line's band, above the colour bar
        boolean ink = false;
        for (int yy = y - 20; yy < y + 20 && !ink; yy++) {
            for (int x = 16; x < 116; x++) if ((with.getRGB(x, yy) & 0xffffff) != 0xffffff) ink = true;
        }
        assertNotEquals(false, ink, "the score line is drawn");
    }
}
