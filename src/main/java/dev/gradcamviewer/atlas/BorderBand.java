package dev.gradcamviewer.atlas;

/**
 * The outer 5 % of the image on each side, where side markers, text tags and collimation edges
 * sit: a pixel is in the band when it lies within {@code round(0.05 * width)} columns of the left or
 * right edge or {@code round(0.05 * height)} rows of the top or bottom (at least one each).
 */
public record BorderBand(int width, int height, int columns, int rows) {
    public static final double SHARE = 0.05;

    public static BorderBand of(int width, int height) {
        return new BorderBand(width, height, Math.max(1, (int) Math.floor(SHARE * width + 0.5)), Math.max(1, (int) Math.floor(SHARE * height + 0.5)));
    }

    public boolean contains(int x, int y) {
        return x < columns || x >= width - columns || y < rows || y >= height - rows;
    }
}
