package dev.gradcamviewer.imaging;

/**
 * The overlay of a decoded image, made a row at a time as the PNG encoder asks for it: the row of
 * the image as displayed, with the row of the placed heat blended in where the map covers it. The
 * pixels are {@link OverlayComposer#compose}'s, without the image-sized arrays it allocates (the
 * placed map and the composed pixels: 10 MB for a 1.3-megapixel image, allocated, faulted in and
 * zeroed for every image of a batch).
 */
public final class OverlayRows implements PngEncoder.Rows {
    private final DecodedImage image;
    private final HeatmapPlacer.Rows heat;
    private final HeatColorizer colours;
    private final int alpha;
    private final float[] values;

    public OverlayRows(DecodedImage image, HeatmapPlacer.Rows heat, HeatColorizer colours, double alpha) {
        this.image = image;
        this.heat = heat;
        this.colours = colours;
        this.alpha = OverlayComposer.opacity(alpha);
        this.values = new float[heat.width()];
    }

    @Override public int width() { return image.width(); }

    @Override public int height() { return image.height(); }

    @Override
    public void row(int y, int[] rgb) {
        int w = image.width();
        float[][] p = image.planes();
        if (image.isGray()) OverlayComposer.grayRow(p[0], y * w, rgb, w);
        else OverlayComposer.rgbRow(p[0], p[1], p[2], y * w, rgb, w);
        blendHeat(heat, y, values, colours, alpha, rgb, 0, w);
    }

    /**
     * Blends row {@code y} of the placed heat into the image row held at {@code pixels[offset]}
     * ({@code width} pixels), where the map covers that row; {@code values} holds one row of the map.
     */
    static void blendHeat(HeatmapPlacer.Rows heat, int y, float[] values, HeatColorizer colours, int alpha, int[] pixels, int offset, int width) {
        if (y < heat.y() || y >= heat.y() + heat.height()) return;
        int x0 = Math.max(0, heat.x());
        int n = Math.min(width, heat.x() + heat.width()) - x0;
        if (n <= 0) return;
        heat.row(y - heat.y(), values);
        colours.blendRow(values, x0 - heat.x(), pixels, offset + x0, n, alpha);
    }
}
