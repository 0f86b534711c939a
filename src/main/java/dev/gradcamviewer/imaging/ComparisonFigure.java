package dev.gradcamviewer.imaging;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A comparison as a figure for a paper or a case conference: a header (image, model, prediction,
 * method, score), every panel whole (the image with its heat layer, fitted to a square tile) with
 * its label underneath, and a colour bar with its scale. Independent of what is on screen: no pan,
 * no zoom, no empty areas.
 */
public final class ComparisonFigure {
    /** One tile: its label, its map placed on the full image (null: no map, said in the label), and a second line (its scores; empty for none). */
    public record Panel(String label, PlacedMap map, String note) {
        public Panel(String label, PlacedMap map) { this(label, map, ""); }
    }

    private static final int MARGIN = 16;
    private static final int GAP = 12;
    private static final int LINE = 20;
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color TEXT = new Color(0x20, 0x20, 0x20);

    private ComparisonFigure() { }

    /**
     * @param image  the original as decoded (its display pixels are the tiles' background)
     * @param header lines above the tiles (the first in bold)
     * @param tile   the tiles' side in pixels
     */
    public static BufferedImage compose(DecodedImage image, List<Panel> panels, HeatColorizer colours, double alpha,
                                        List<String> header, int tile) {
        int n = Math.max(1, panels.size());
        int columns = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + columns - 1) / columns;
        int width = 2 * MARGIN + columns * tile + (columns - 1) * GAP;
        int headerHeight = header.size() * LINE + GAP;
        int barHeight = 14 + LINE + GAP;
        int under = 2 * LINE; // the label, and the scores' line (kept when blank, so that the layout never depends on them)
        int height = 2 * MARGIN + headerHeight + rows * (tile + under + GAP) + barHeight;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            Font bold = plain.deriveFont(Font.BOLD, 15f);
            g.setColor(TEXT);
            int y = MARGIN;
            for (int i = 0; i < header.size(); i++) {
                g.setFont(i == 0 ? bold : plain);
                y += LINE;
                g.drawString(fit(header.get(i), g.getFontMetrics(), width - 2 * MARGIN), MARGIN, y - 5);
            }
            y += GAP;
            int[] display = OverlayComposer.displayPixels(image);
            int a = (int) Math.round(Math.max(0, Math.min(1, alpha)) * 256);
            g.setFont(plain);
            for (int i = 0; i < panels.size(); i++) {
                int x0 = MARGIN + (i % columns) * (tile + GAP);
                int y0 = y + (i / columns) * (tile + under + GAP);
                BufferedImage t = tile(image, display, panels.get(i).map(), colours, a, tile);
                g.drawImage(t, x0 + (tile - t.getWidth()) / 2, y0 + (tile - t.getHeight()) / 2, null);
                String label = panels.get(i).label() + (panels.get(i).map() == null ? " (no map: no gradient)" : "");
                g.setColor(TEXT);
                g.drawString(fit(label, g.getFontMetrics(), tile), x0, y0 + tile + LINE - 5);
                if (!panels.get(i).note().isEmpty()) g.drawString(fit(panels.get(i).note(), g.getFontMetrics(), tile), x0, y0 + tile + 2 * LINE - 5);
            }
            int barY = y + rows * (tile + under + GAP);
            int barWidth = Math.min(width - 2 * MARGIN, 360);
            for (int x = 0; x < barWidth; x++) {
                g.setColor(new Color(colours.argb((float) x / (barWidth - 1)) & 0xffffff));
                g.drawLine(MARGIN + x, barY, MARGIN + x, barY + 13);
            }
            g.setColor(TEXT);
            g.drawRect(MARGIN, barY, barWidth - 1, 13);
            String scale = "0 = least, 1 = most evidence for the label (each map normalised to its maximum); "
                    + "colormap " + colours.colormap().name() + ", opacity " + Math.round(alpha * 100) + " %";
            g.drawString(fit(scale, g.getFontMetrics(), width - 2 * MARGIN), MARGIN, barY + 14 + LINE - 4);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The image fitted into a tile, with the map blended where it lies. */
    static BufferedImage tile(DecodedImage image, int[] display, PlacedMap map, HeatColorizer colours, int a, int tile) {
        double s = Math.min((double) tile / image.width(), (double) tile / image.height());
        int w = Math.max(1, (int) Math.round(image.width() * s));
        int h = Math.max(1, (int) Math.round(image.height() * s));
        int[] px = new int[w * h];
        for (int ty = 0; ty < h; ty++) {
            int iy = Math.min(image.height() - 1, (int) ((ty + 0.5) / s));
            for (int tx = 0; tx < w; tx++) {
                int ix = Math.min(image.width() - 1, (int) ((tx + 0.5) / s));
                int p = display[iy * image.width() + ix];
                if (map != null && map.contains(ix, iy)) {
                    int top = colours.argb(map.at(ix, iy));
                    p = OverlayComposer.blend(p, top, a * (top >>> 24) / 255);
                }
                px[ty * w + tx] = p;
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    private static String fit(String text, FontMetrics fm, int width) {
        if (fm.stringWidth(text) <= width) return text;
        String s = text;
        while (s.length() > 1 && fm.stringWidth(s + "\u2026") > width) s = s.substring(0, s.length() - 1);
        return s + "\u2026";
    }
}
