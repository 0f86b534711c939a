package dev.gradcamviewer.atlas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-image map statistics reduced per group (a predicted label, a true label or an outcome, with
 * the layer and method): means over the images whose map shows heat, the share with none, where the
 * peaks lie, {@code fixed_spot} and the mean map. The same reduction serves one machine and the
 * archive job. Not thread-safe: one thread adds.
 */
public final class AtlasReduction {
    /** How images are grouped. */
    public enum By {
        PREDICTED("predicted"), TRUTH("truth"), OUTCOME("outcome");

        private final String id;

        By(String id) { this.id = id; }

        public String id() { return id; }
    }

    public record Key(By by, String label, String layer, String method) { }

    /**
     * One image's map: its statistics, its image's size, and the low-resolution map in the model's
     * input frame ({@code cells}, {@code rows} x {@code cols}; aligned for every image) with the
     * model input's first channel ({@code input}, {@code inputRows} x {@code inputCols}) behind it; the
     * last two may be null.
     */
    public record Sample(MapStatistics statistics, int width, int height, float[] cells, int rows, int cols,
                         float[] input, int inputRows, int inputCols, double road, double randomRoad) {
        public Sample(MapStatistics statistics, int width, int height, float[] cells, int rows, int cols, float[] input, int inputRows, int inputCols) {
            this(statistics, width, height, cells, rows, cols, input, inputRows, inputCols, Double.NaN, Double.NaN);
        }
    }

    /** A group's figures ({@code NaN} where no image of it shows heat). */
    public record Summary(Key key, int images, int withHeat, double noHeat, double heatOutsideBody, double uniformOutsideBody,
                          double heatInBorder, double uniformBorder, double heatInMask, double uniformMask, int withMask,
                          double peakOutsideBody, double peakInBorder, double peakInMask, double fixedSpot,
                          int flaggedImages, MeanMap meanMap, double road, double randomRoad) {
        /** A quarter of its images flagged, or its peaks at one spot (0.8 of at least {@link #MIN_FOR_SPOT} images with heat). */
        public boolean flagged() {
            return flaggedImages * 4 >= images && flaggedImages > 0 || (withHeat >= MIN_FOR_SPOT && fixedSpot >= FIXED_SPOT_FLAG);
        }

        public boolean spotFlagged() { return withHeat >= MIN_FOR_SPOT && fixedSpot >= FIXED_SPOT_FLAG; }
    }

    /** The mean of the maps with heat ({@code count} of them), and the mean model input behind them (over every image). */
    public record MeanMap(float[] cells, int rows, int cols, int count, float[] input, int inputRows, int inputCols) { }

    public static final double FIXED_SPOT_FLAG = 0.8;
    public static final int MIN_FOR_SPOT = 5;
    /** An image's peak is at the group's spot within this share of its diagonal. */
    public static final double SPOT_RADIUS = 0.1;

    private final Map<Key, Group> groups = new LinkedHashMap<>();

    /**
     * A group's images so far: their statistics and sizes (small), and the running sums of their
     * maps and inputs (not the arrays themselves: a dataset's inputs would not fit in memory).
     */
    private static final class Group {
        final List<Sample> statistics = new ArrayList<>();
        float[] cells;
        int rows, cols, count;
        float[] input;
        int inputRows, inputCols, inputs;

        void add(Sample s) {
            statistics.add(new Sample(s.statistics(), s.width(), s.height(), null, 0, 0, null, 0, 0, s.road(), s.randomRoad()));
            if (s.cells() != null && !s.statistics().noHeat()) {
                if (cells == null) {
                    rows = s.rows();
                    cols = s.cols();
                    cells = new float[rows * cols];
                }
                if (s.rows() == rows && s.cols() == cols) { // the model's maps are all one size
                    for (int i = 0; i < cells.length; i++) cells[i] += s.cells()[i];
                    count++;
                }
            }
            if (s.input() != null) {
                if (input == null) {
                    inputRows = s.inputRows();
                    inputCols = s.inputCols();
                    input = new float[inputRows * inputCols];
                }
                if (s.inputRows() == inputRows && s.inputCols() == inputCols) {
                    for (int i = 0; i < input.length; i++) input[i] += s.input()[i];
                    inputs++;
                }
            }
        }

        MeanMap mean() {
            float[] c = cells == null ? null : cells.clone();
            if (c != null) for (int i = 0; i < c.length; i++) c[i] /= count;
            float[] in = input == null ? null : input.clone();
            if (in != null) for (int i = 0; i < in.length; i++) in[i] /= inputs;
            return new MeanMap(c, rows, cols, count, in, inputRows, inputCols);
        }
    }

    public void add(Key key, Sample sample) {
        groups.computeIfAbsent(key, k -> new Group()).add(sample);
    }

    public List<Summary> summaries() {
        List<Summary> out = new ArrayList<>();
        for (var e : groups.entrySet()) out.add(summarise(e.getKey(), e.getValue().statistics, e.getValue().mean()));
        return out;
    }

    /** The figures of one group's samples (their maps and inputs are not looked at: {@code mean} is given). */
    static Summary summarise(Key key, List<Sample> samples, MeanMap mean) {
        int images = samples.size();
        int noHeat = 0;
        int flagged = 0;
        List<Sample> heat = new ArrayList<>();
        for (Sample s : samples) {
            if (s.statistics().noHeat()) noHeat++;
            else heat.add(s);
            if (s.statistics().flagged()) flagged++;
        }
        double nan = Double.NaN;
        double out = 0, uOut = 0, border = 0, uBorder = 0, mask = 0, uMask = 0, pOut = 0, pBorder = 0, pMask = 0;
        int withMask = 0;
        for (Sample s : heat) {
            MapStatistics m = s.statistics();
            out += m.heatOutsideBody();
            uOut += m.uniformOutsideBody();
            border += m.heatInBorder();
            uBorder += m.uniformBorder();
            if (m.peakOutsideBody()) pOut++;
            if (m.peakInBorder()) pBorder++;
            if (m.hasMask()) {
                withMask++;
                mask += m.heatInMask();
                uMask += m.uniformMask();
                if (m.peakInMask()) pMask++;
            }
        }
        int n = heat.size();
        return new Summary(key, images, n, images == 0 ? nan : (double) noHeat / images,
                n == 0 ? nan : out / n, n == 0 ? nan : uOut / n, n == 0 ? nan : border / n, n == 0 ? nan : uBorder / n,
                withMask == 0 ? nan : mask / withMask, withMask == 0 ? nan : uMask / withMask, withMask,
                n == 0 ? nan : pOut / n, n == 0 ? nan : pBorder / n, withMask == 0 ? nan : pMask / withMask,
                fixedSpot(heat), flagged, mean, meanOf(samples, Sample::road), meanOf(samples, Sample::randomRoad));
    }

    /** The mean over the samples that have the value (ROAD when it was measured); NaN when none has. */
    private static double meanOf(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        double sum = 0;
        int n = 0;
        for (Sample s : samples) {
            double v = f.applyAsDouble(s);
            if (Double.isNaN(v)) continue;
            sum += v;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The share of the maps whose peak lies within {@link #SPOT_RADIUS} of their image's diagonal of the median peak. */
    static double fixedSpot(List<Sample> heat) {
        int n = heat.size();
        if (n == 0) return Double.NaN;
        double[] nx = new double[n];
        double[] ny = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = heat.get(i);
            nx[i] = (s.statistics().peakX() + 0.5) / s.width();
            ny[i] = (s.statistics().peakY() + 0.5) / s.height();
        }
        double mx = median(nx.clone());
        double my = median(ny.clone());
        int near = 0;
        for (int i = 0; i < n; i++) {
            Sample s = heat.get(i);
            double d = Math.hypot((nx[i] - mx) * s.width(), (ny[i] - my) * s.height());
            if (d <= SPOT_RADIUS * Math.hypot(s.width(), s.height())) near++;
        }
        return (double) near / n;
    }

    /** As numpy.median: the middle value, or the mean of the two middle ones. */
    static double median(double[] v) {
        java.util.Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
