package dev.gradcamviewer.imaging;

import java.awt.image.BufferedImage;

/**
 * Blends a coloured heat layer over the original at opacity alpha (out = (1 - a) * image + a * heat)
 * inside the placed rectangle; outside it the image is unchanged. Also turns decoded images of any
 * depth into 8-bit RGB for display and export.
 */
public final class OverlayComposer {
    private OverlayComposer() { }

    /** The original as 0xRRGGBB pixels (16-bit gray scaled to 8 bits). */
    /**
     * The image as displayed through a window of its gray levels ({@code voi} null: the image's
     * planes), inverted or not; colour images and images without gray levels as they are.
     */
    public static int[] displayPixels(DecodedImage img, Voi voi, boolean invert) {
        if (img.levels() == null || (voi == null && !invert)) return displayPixels(img);
        return grayPixels(img.levels().render(voi == null ? img.levels().defaultVoi() : voi, invert));
    }

    public static int[] displayPixels(DecodedImage img) {
        float[][] p = img.planes();
        return img.isGray() ? grayPixels(p[0]) : rgbPixels(p[0], p[1], p[2]);
    }

    // gray and colour in loops of their own: one loop testing per pixel had the JIT recompile it
    // each time a batch went from a gray image to a colour one
    private static int[] grayPixels(float[] gray) {
        int[] out = new int[gray.length];
        grayRow(gray, 0, out, out.length);
        return out;
    }

    private static int[] rgbPixels(float[] r, float[] g, float[] b) {
        int[] out = new int[r.length];
        rgbRow(r, g, b, 0, out, out.length);
        return out;
    }

    /** {@code n} gray values from {@code from} as 0xRRGGBB pixels into {@code out}. */
    static void grayRow(float[] gray, int from, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            int v = EightBit.of(gray[from + i]);
            out[i] = (v << 16) | (v << 8) | v;
        }
    }

    /** {@code n} colour values from {@code from} as 0xRRGGBB pixels into {@code out}. */
    static void rgbRow(float[] r, float[] g, float[] b, int from, int[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = (EightBit.of(r[from + i]) << 16) | (EightBit.of(g[from + i]) << 8) | EightBit.of(b[from + i]);
    }

    public static BufferedImage compose(DecodedImage img, PlacedMap map, HeatColorizer colours, double alpha) {
        int w = img.width();
        int[] pixels = displayPixels(img);
        int a = opacity(alpha);
        int x0 = Math.max(0, map.x());
        int n = Math.min(w, map.x() + map.width()) - x0;
        for (int y = Math.max(0, map.y()); y < Math.min(img.height(), map.y() + map.height()) && n > 0; y++) {
            colours.blendRow(map.values(), (y - map.y()) * map.width() + (x0 - map.x()), pixels, y * w + x0, n, a);
        }
        return rgbImage(pixels, w, img.height());
    }

    /**
     * A TYPE_INT_RGB image over these 0xRRGGBB pixels themselves, without copying them
     * ({@code setRGB} converts pixel by pixel, a fifth of a batch's Java time).
     */
    public static BufferedImage rgbImage(int[] pixels, int w, int h) {
        java.awt.image.DirectColorModel cm = new java.awt.image.DirectColorModel(24, 0xff0000, 0xff00, 0xff);
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createPackedRaster(
                new java.awt.image.DataBufferInt(pixels, w * h), w, h, w, new int[] {0xff0000, 0xff00, 0xff}, null);
        return new BufferedImage(cm, raster, false, null);
    }

    /** Alpha 0..1 as the 0..256 weight {@link #blend} takes. */
    static int opacity(double alpha) {
        return (int) Math.round(Math.max(0, Math.min(1, alpha)) * 256);
    }

    /** Per channel: (base * (256 - a) + top * a) / 256, with a in 0..256. */
    public static int blend(int base, int top, int a) {
        int inv = 256 - a;
        int r = (((base >> 16) & 0xff) * inv + ((top >> 16) & 0xff) * a) >> 8;
        int g = (((base >> 8) & 0xff) * inv + ((top >> 8) & 0xff) * a) >> 8;
        int b = ((base & 0xff) * inv + (top & 0xff) * a) >> 8;
        return (r << 16) | (g << 8) | b;
    }
}
