package dev.gradcamviewer.imaging;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The comparison figure: panels with a score line under their label get a second line of room, and draw it. */
class ComparisonFigureTest {
    private static int ink(BufferedImage img, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) for (int x = 16; x < 116; x++) if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) n++;
        return n;
    }

    @Test
    void scoreLinesAreDrawnUnderTheLabels() {
        DecodedImage image = new DecodedImage(32, 32, new float[][] {new float[32 * 32]}, 8);
        HeatColorizer colours = new HeatColorizer(Colormap.of("jet"), 2);
        List<ComparisonFigure.Panel> plain = List.of(new ComparisonFigure.Panel("a", null), new ComparisonFigure.Panel("b", null));
        List<ComparisonFigure.Panel> scored = List.of(new ComparisonFigure.Panel("a", null, "deletion 0.16 · insertion 0.99 (random 0.84 · 0.98)"),
                new ComparisonFigure.Panel("b", null, "deletion 0.50"));
        BufferedImage without = ComparisonFigure.compose(image, plain, colours, 0.4, List.of("header"), 100);
        BufferedImage with = ComparisonFigure.compose(image, scored, colours, 0.4, List.of("header"), 100);
        assertEquals(without.getHeight(), with.getHeight(), "the same layout with and without scores: a line is kept for them");
        int top = 16 + 20 + 12 + 100 + 20; // margin, header, gap, tile, label: the score line's band
        assertEquals(0, ink(without, top, top + 20), "no scores: the line is blank");
        assertNotEquals(0, ink(with, top, top + 20), "the score line is drawn");
    }
}
