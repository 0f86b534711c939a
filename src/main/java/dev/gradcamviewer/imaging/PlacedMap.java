package dev.gradcamviewer.imaging;

/**
 * A heatmap upscaled onto the original image: {@code values} covers the rectangle at
 * ({@code x}, {@code y}) of {@code width} x {@code height} original pixels (the part the model saw);
 * outside it there is no heat.
 */
public record PlacedMap(int x, int y, int width, int height, float[] values) {
    public float at(int px, int py) { return values[(py - y) * width + (px - x)]; }

    public boolean contains(int px, int py) {
        return px >= x && py >= y && px < x + width && py < y + height;
    }
}
