package dev.gradcamviewer.imaging;

/**
 * Colours a placed map: ARGB = colormap(clip(v, 0, 1)^emphasis), opaque. A 4096-entry table per
 * (colormap, emphasis) makes a 2048 x 2048 layer a table look-up per pixel.
 */
public final class HeatColorizer {
    private static final int STEPS = 4096;
    private final int[] lut = new int[STEPS + 1];
    private final Colormap colormap;
    private final double emphasis;

    public HeatColorizer(Colormap colormap, double emphasis) {
        if (!(emphasis > 0)) throw new IllegalArgumentException("emphasis must be positive");
        this.colormap = colormap;
        this.emphasis = emphasis;
        for (int i = 0; i <= STEPS; i++) lut[i] = 0xff000000 | colormap.rgb(Math.pow((double) i / STEPS, emphasis));
    }

    public Colormap colormap() { return colormap; }

    public double emphasis() { return emphasis; }

    public int argb(float v) {
        float c = v > 1 ? 1 : (v > 0 ? v : 0);
        return lut[(int) (c * STEPS + 0.5f)];
    }

    /**
     * Blends {@code n} heat values, coloured, over {@code n} 0xRRGGBB pixels in place, at opacity
     * {@code a} in 0..256 (as {@link OverlayComposer#blend}). One loop with the colour look-up and the
     * blend written out: the client compiler inlines neither (composing took a third longer).
     */
    public void blendRow(float[] heat, int heatFrom, int[] pixels, int pixelsFrom, int n, int a) {
        int inv = 256 - a;
        for (int k = 0; k < n; k++) {
            float v = heat[heatFrom + k];
            float c = v > 1 ? 1 : (v > 0 ? v : 0);
            int top = lut[(int) (c * STEPS + 0.5f)];
            int base = pixels[pixelsFrom + k];
            int r = (((base >> 16) & 0xff) * inv + ((top >> 16) & 0xff) * a) >> 8;
            int g = (((base >> 8) & 0xff) * inv + ((top >> 8) & 0xff) * a) >> 8;
            int b = ((base & 0xff) * inv + (top & 0xff) * a) >> 8;
            pixels[pixelsFrom + k] = (r << 16) | (g << 8) | b;
        }
    }

    /** Colours every value into {@code out} (reused by the caller: no allocation here). */
    public void colorize(float[] values, int[] out) {
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            float c = v > 1 ? 1 : (v > 0 ? v : 0);
            out[i] = lut[(int) (c * STEPS + 0.5f)];
        }
    }
}
