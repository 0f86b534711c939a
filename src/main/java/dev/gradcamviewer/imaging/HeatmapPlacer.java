package dev.gradcamviewer.imaging;

/**
 * Puts a low-resolution map (cells) onto the original image, bicubic (a = -0.5), over the crop the
 * model saw. {@link Placement#RESIZE} resizes the map to the crop's size as PIL does (half-pixel
 * centres); {@link Placement#RECEPTIVE_FIELD} puts each cell on its receptive-field centre and
 * interpolates in cell coordinates, clamped at the edges.
 */
public final class HeatmapPlacer {
    private HeatmapPlacer() { }

    public static PlacedMap place(float[] cells, int rows, int cols, CellGeometry geometry, CropRegion crop, Placement placement) {
        int x0 = (int) Math.round(crop.left());
        int y0 = (int) Math.round(crop.top());
        int w = (int) Math.round(crop.left() + crop.width()) - x0;
        int h = (int) Math.round(crop.top() + crop.height()) - y0;
        float[] values = placement == Placement.RESIZE
                ? Resampler.bicubic(cells, cols, rows, w, h)
                : receptiveField(cells, rows, cols, geometry, crop, x0, y0, w, h);
        return new PlacedMap(x0, y0, w, h, values);
    }

    private static float[] receptiveField(float[] cells, int rows, int cols, CellGeometry g, CropRegion crop,
                                          int x0, int y0, int w, int h) {
        Taps ty = taps(h, y0, crop.top(), crop.scaleY(), g.originY(), g.stepY(), rows);
        Taps tx = taps(w, x0, crop.left(), crop.scaleX(), g.originX(), g.stepX(), cols);
        // horizontal pass on each cell row, then vertical: 8 multiply-adds per output pixel
        float[] tmp = new float[rows * w];
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int x = 0; x < w; x++) {
                int b = x * 4;
                tmp[r * w + x] = (float) (tx.weight[b] * cells[row + tx.index[b]] + tx.weight[b + 1] * cells[row + tx.index[b + 1]]
                        + tx.weight[b + 2] * cells[row + tx.index[b + 2]] + tx.weight[b + 3] * cells[row + tx.index[b + 3]]);
            }
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            int b = y * 4;
            int r0 = ty.index[b] * w;
            int r1 = ty.index[b + 1] * w;
            int r2 = ty.index[b + 2] * w;
            int r3 = ty.index[b + 3] * w;
            float w0 = (float) ty.weight[b];
            float w1 = (float) ty.weight[b + 1];
            float w2 = (float) ty.weight[b + 2];
            float w3 = (float) ty.weight[b + 3];
            int o = y * w;
            for (int x = 0; x < w; x++) {
                out[o + x] = w0 * tmp[r0 + x] + w1 * tmp[r1 + x] + w2 * tmp[r2 + x] + w3 * tmp[r3 + x];
            }
        }
        return out;
    }

    private record Taps(int[] index, double[] weight) { }

    /** For each output pixel along one axis: the four cells and their cubic weights. */
    private static Taps taps(int n, int start, double cropStart, double scale, double origin, double step, int cells) {
        int[] index = new int[n * 4];
        double[] weight = new double[n * 4];
        for (int i = 0; i < n; i++) {
            double inputPixel = (start + i + 0.5 - cropStart) / scale - 0.5;
            double c = Math.max(0, Math.min(cells - 1, (inputPixel - origin) / step));
            int base = (int) Math.floor(c);
            double t = c - base;
            for (int k = 0; k < 4; k++) {
                index[i * 4 + k] = Math.max(0, Math.min(cells - 1, base - 1 + k));
                weight[i * 4 + k] = Bicubic.kernel(t + 1 - k);
            }
        }
        return new Taps(index, weight);
    }
}
