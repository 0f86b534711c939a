package dev.gradcamviewer.cam;

/**
 * The arithmetic of the faithfulness scores, on a map at the model input's size and the
 * preprocessed input (channels x cells, normalised): deletion and insertion (RISE, Petsiuk et al.
 * 2018) remove or reveal the input's pixels in the map's order, most salient first, in
 * {@value #STEPS} steps, black where removed, a blurred copy where not yet revealed (RISE's Gaussian,
 * 11 px, sigma 5); the area under the target's probability is the score (deletion: lower is better,
 * insertion: higher). Confidence change (pytorch-grad-cam's {@code CamMultImageConfidenceChange}):
 * the target's probability for the input times the map, minus that for the input, and the same for
 * the inverted map (1 - map). The model's passes are {@code app.FaithfulnessRunner}'s.
 */
public final class Faithfulness {
    public static final int STEPS = 32;

    private Faithfulness() { }

    /** Pixel indices, most salient first; equal values in index order. */
    public static int[] order(float[] map) {
        Integer[] idx = new Integer[map.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> {
            int c = Float.compare(map[b], map[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) out[i] = idx[i];
        return out;
    }

    /** How many pixels step {@code i} of {@value #STEPS} has changed. */
    public static int changed(int step, int pixels) {
        return (int) Math.round((double) step * pixels / STEPS);
    }

    /** {@code from} with its first {@code count} pixels in {@code order} taken from {@code with}, into {@code out} at {@code offset}. */
    public static void replaceFirst(float[] from, float[] with, int[] order, int count, int channels, float[] out, int offset) {
        int cells = order.length;
        System.arraycopy(from, 0, out, offset, channels * cells);
        for (int c = 0; c < channels; c++) {
            int base = c * cells;
            for (int i = 0; i < count; i++) out[offset + base + order[i]] = with[base + order[i]];
        }
    }

    /** The input of a black image, as the model's normalisation makes it. */
    public static float[] black(int channels, int cells, float[] mean, float[] std) {
        float[] out = new float[channels * cells];
        for (int c = 0; c < channels; c++) java.util.Arrays.fill(out, c * cells, (c + 1) * cells, (0 - mean[c]) / std[c]);
        return out;
    }

    /** RISE's blurred canvas: a separable Gaussian (11 taps, sigma 5), zeros beyond the edge, per channel. */
    public static float[] blurred(float[] input, int channels, int height, int width) {
        double[] k = new double[11];
        double sum = 0;
        for (int i = 0; i < k.length; i++) sum += k[i] = Math.exp(-((i - 5) * (i - 5)) / (2.0 * 25));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        int cells = height * width;
        float[] out = new float[input.length];
        float[] tmp = new float[cells];
        for (int c = 0; c < channels; c++) {
            int base = c * cells;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int t = -5; t <= 5; t++) {
                        int xx = x + t;
                        if (xx >= 0 && xx < width) s += k[t + 5] * input[base + y * width + xx];
                    }
                    tmp[y * width + x] = (float) s;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int t = -5; t <= 5; t++) {
                        int yy = y + t;
                        if (yy >= 0 && yy < height) s += k[t + 5] * tmp[yy * width + x];
                    }
                    out[base + y * width + x] = (float) s;
                }
            }
        }
        return out;
    }

    /** The input times the map (or 1 - map), every channel, into {@code out} at {@code offset}. */
    public static void multiply(float[] input, float[] map, boolean inverted, float[] out, int offset) {
        int cells = map.length;
        for (int c = 0; c < input.length / cells; c++) {
            for (int i = 0; i < cells; i++) out[offset + c * cells + i] = input[c * cells + i] * (inverted ? 1 - map[i] : map[i]);
        }
    }

    /** Area under a curve of STEPS + 1 points over [0, 1] (trapezoids). */
    public static double area(float[] curve) {
        double s = 0;
        for (int i = 0; i + 1 < curve.length; i++) s += (curve[i] + curve[i + 1]) / 2.0;
        return s / (curve.length - 1);
    }
}
