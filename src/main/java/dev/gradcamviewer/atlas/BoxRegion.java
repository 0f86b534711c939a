package dev.gradcamviewer.atlas;

import java.util.List;

/** The pixels of a decoded image inside some boxes: those whose file pixel's centre lies in one ({@code x <= px + 0.5 < x + w}, likewise in y). */
public final class BoxRegion {
    private BoxRegion() { }

    /**
     * @param step the decoded image's pixel (x, y) is the file's (step x, step y)
     * @param sourceWidth the file's width in pixels (boxes beyond the file are clipped, and said so to {@code file})
     */
    public static boolean[] of(List<BoxesFile.Box> boxes, int width, int height, int step, int sourceWidth, int sourceHeight, BoxesFile file) {
        boolean[] inside = new boolean[width * height];
        for (BoxesFile.Box b : boxes) {
            if (file != null && (b.x() < 0 || b.y() < 0 || b.x() + b.width() > sourceWidth || b.y() + b.height() > sourceHeight)) {
                file.warnOutside(b, sourceWidth, sourceHeight);
            }
            for (int y = 0; y < height; y++) {
                double cy = (double) step * y + 0.5;
                if (cy < b.y() || cy >= b.y() + b.height()) continue;
                for (int x = 0; x < width; x++) {
                    double cx = (double) step * x + 0.5;
                    if (cx >= b.x() && cx < b.x() + b.width()) inside[y * width + x] = true;
                }
            }
        }
        return inside;
    }
}
