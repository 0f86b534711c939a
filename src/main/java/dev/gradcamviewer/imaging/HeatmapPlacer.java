package dev.gradcamviewer.imaging;

/**
 * Puts a low-resolution map (cells) onto the original image, bicubic (a = -0.5), over the crop the
 * model saw. {@link Placement#RESIZE} resizes the map to the crop's size as PIL does (half-pixel
 * centres); {@link Placement#RECEPTIVE_FIELD} puts each cell on its receptive-field centre and
 * interpolates in cell coordinates, clamped at the edges.
 *
 * <p>Both are separable: a horizontal pass over the few rows of cells, then each output row from
 * four (or, shrinking, a few more) of those. {@link Rows} gives any output row on its own, so that an
 * overlay of any size can be made a band at a time.
 */
public final class HeatmapPlacer {
    private HeatmapPlacer() { }

    public static PlacedMap place(float[] cells, int rows, int cols, CellGeometry geometry, CropRegion crop, Placement placement) {
        return place(rows(cells, rows, cols, geometry, crop, placement));
    }

    /** The placed map whole, from its rows. */
    public static PlacedMap place(Rows r) {
        float[] values = new float[r.width() * r.height()];
        float[] row = new float[r.width()];
        for (int y = 0; y < r.height(); y++) {
            r.row(y, row);
            System.arraycopy(row, 0, values, y * r.width(), r.width());
        }
        return new PlacedMap(r.x(), r.y(), r.width(), r.height(), values);
    }

    /** The placed map row by row: it covers ({@code x}, {@code y}) to ({@code x + width}, {@code y + height}) of the original. */
    public interface Rows {
        int x();

        int y();

        int width();

        int height();

        /** Row {@code i} of the placed map (original row {@code y() + i}) into {@code dst}, {@code width()} values. */
        void row(int i, float[] dst);
    }

    public static Rows rows(float[] cells, int rows, int cols, CellGeometry geometry, CropRegion crop, Placement placement) {
        int x0 = (int) Math.round(crop.left());
        int y0 = (int) Math.round(crop.top());
        int w = (int) Math.round(crop.left() + crop.width()) - x0;
        int h = (int) Math.round(crop.top() + crop.height()) - y0;
        if (placement == Placement.RESIZE) {
            float[] tmp = Resampler.bicubicHorizontal(cells, cols, rows, w);
            Resampler.Axis vertical = h == rows ? null : Resampler.bicubicAxis(rows, h);
            return new Placed(x0, y0, w, h, (i, dst) -> {
                if (vertical == null) System.arraycopy(tmp, i * w, dst, 0, w);
                else vertical.row(tmp, w, i, dst);
            });
        }
        Taps ty = taps(h, y0, crop.top(), crop.scaleY(), geometry.originY(), geometry.stepY(), rows);
        Taps tx = taps(w, x0, crop.left(), crop.scaleX(), geometry.originX(), geometry.stepX(), cols);
        float[] tmp = new float[rows * w];
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int x = 0; x < w; x++) {
                int b = x * 4;
                tmp[r * w + x] = (float) (tx.weight[b] * cells[row + tx.index[b]] + tx.weight[b + 1] * cells[row + tx.index[b + 1]]
                        + tx.weight[b + 2] * cells[row + tx.index[b + 2]] + tx.weight[b + 3] * cells[row + tx.index[b + 3]]);
            }
        }
        return new Placed(x0, y0, w, h, (y, dst) -> {
            int b = y * 4;
            int r0 = ty.index[b] * w;
            int r1 = ty.index[b + 1] * w;
            int r2 = ty.index[b + 2] * w;
            int r3 = ty.index[b + 3] * w;
            float w0 = (float) ty.weight[b];
            float w1 = (float) ty.weight[b + 1];
            float w2 = (float) ty.weight[b + 2];
            float w3 = (float) ty.weight[b + 3];
            for (int x = 0; x < w; x++) dst[x] = w0 * tmp[r0 + x] + w1 * tmp[r1 + x] + w2 * tmp[r2 + x] + w3 * tmp[r3 + x];
        });
    }

    private interface RowFunction {
        void row(int i, float[] dst);
    }

    private record Placed(int x, int y, int width, int height, RowFunction f) implements Rows {
        @Override
        public void row(int i, float[] dst) { f.row(i, dst); }
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
