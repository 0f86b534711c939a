package dev.gradcamviewer.ui;

import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/** Small gradient images: a colormap's look in its picker, and the colour bar legend. */
final class Swatches {
    private Swatches() { }

    static WritableImage gradient(Colormap map, double emphasis, int width, int height) {
        HeatColorizer c = new HeatColorizer(map, emphasis);
        int[] row = new int[width];
        for (int x = 0; x < width; x++) row[x] = c.argb((float) x / (width - 1));
        WritableImage img = new WritableImage(width, height);
        for (int y = 0; y < height; y++) img.getPixelWriter().setPixels(0, y, width, 1, PixelFormat.getIntArgbInstance(), row, 0, width);
        return img;
    }

    static WritableImage argb(int[] pixels, int width, int height) {
        WritableImage img = new WritableImage(width, height);
        img.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), pixels, 0, width);
        return img;
    }
}
