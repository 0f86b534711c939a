package dev.gradcamviewer.imaging;

/** Model-input pixel of cell (0, 0)'s centre and the step between cells, per axis. */
public record CellGeometry(double originY, double originX, double stepY, double stepX) {
    /** What half-pixel resizing assumes for a map of {@code cells} over {@code pixels} input pixels. */
    public static CellGeometry halfPixel(int cellsY, int cellsX, int pixelsY, int pixelsX) {
        double sy = (double) pixelsY / cellsY;
        double sx = (double) pixelsX / cellsX;
        return new CellGeometry(sy / 2 - 0.5, sx / 2 - 0.5, sy, sx);
    }
}
