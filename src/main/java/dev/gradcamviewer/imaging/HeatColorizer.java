package dev.gradcamviewer.imaging;

/**
 * Colours a placed map: RGB = colormap(clip(v, 0, 1)^emphasis), and an alpha that says how much of
 * it to blend in: opaque for every value (the article's look), or, with {@link Fade#FADE}, the map's
 * own value (heat fades out where the map is low, as radiologists read it); values below
 * {@code threshold} are not drawn at all. A 4096-entry table per setting makes a 2048 x 2048 layer a
 * table look-up per pixel.
 */
public final class HeatColorizer {
    /** How the heat's opacity follows the map. */
    public enum Fade {
        SOLID("solid"), FADE("fade");

        private final String id;

        Fade(String id) { this.id = id; }

        public String id() { return id; }

        public static Fade of(String s) {
            for (Fade f : values()) if (f.id.equalsIgnoreCase(s)) return f;
            throw new IllegalArgumentException("unknown fade '" + s + "' (solid or fade)");
        }
    }

    private static final int STEPS = 4096;
    private final int[] lut = new int[STEPS + 1];
    private final Colormap colormap;
    private final double emphasis;
    private final Fade fade;
    private final double threshold;

    public HeatColorizer(Colormap colormap, double emphasis) {
        this(colormap, emphasis, Fade.SOLID, 0);
    }

    public HeatColorizer(Colormap colormap, double emphasis, Fade fade, double threshold) {
        if (!(emphasis > 0)) throw new IllegalArgumentException("emphasis must be positive");
        if (!(threshold >= 0 && threshold < 1)) throw new IllegalArgumentException("the threshold must be at least 0 and below 1");
        this.colormap = colormap;
        this.emphasis = emphasis;
        this.fade = fade;
        this.threshold = threshold;
        for (int i = 0; i <= STEPS; i++) {
            double v = (double) i / STEPS;
            int alpha = v < threshold ? 0 : fade == Fade.FADE ? (int) Math.round(255 * v) : 255;
            lut[i] = (alpha << 24) | colormap.rgb(Math.pow(v, emphasis));
        }
    }

    public Colormap colormap() { return colormap; }

    public double emphasis() { return emphasis; }

    public Fade fade() { return fade; }

    public double threshold() { return threshold; }

    public int argb(float v) {
        float c = v > 1 ? 1 : (v > 0 ? v : 0);
        return lut[(int) (c * STEPS + 0.5f)];
    }

    /**
     * Blends {@code n} heat values, coloured, over {@code n} 0xRRGGBB pixels in place, at opacity
     * {@code a} in 0..256 (as {@link OverlayComposer#blend}). One loop with the colour look-up and the
     * blend written out: the client compiler inlines neither (composing took a third longer).
     */
    public void blendRow(float[] heat, int heatFrom, int[] pixels, int pixelsFrom, int n, int opacity) {
        boolean solid = fade == Fade.SOLID && threshold == 0;
        int a = opacity;
        int inv = 256 - a;
        for (int k = 0; k < n; k++) {
            float v = heat[heatFrom + k];
            float c = v > 1 ? 1 : (v > 0 ? v : 0);
            int top = lut[(int) (c * STEPS + 0.5f)];
            if (!solid) { // the pixel's own opacity: the layer's, times the table's alpha (255: the layer's exactly)
                a = opacity * (top >>> 24) / 255;
                inv = 256 - a;
            }
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
