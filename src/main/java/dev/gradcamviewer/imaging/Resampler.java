package dev.gradcamviewer.imaging;

/**
 * Separable resampling of float planes with the same arithmetic as PIL's {@code Image.resize}:
 * half-pixel centres, a filter widened by the scale factor when shrinking (so shrinking averages
 * instead of skipping pixels), weights cut at the image edge and renormalised. Matching PIL keeps
 * Java inputs equal to the exporter's reference and gives the article's heatmap placement.
 */
public final class Resampler {
    private Resampler() { }

    private interface Filter {
        double support();

        double weight(double x);
    }

    private static final Filter TRIANGLE = new Filter() {
        public double support() { return 1.0; }

        public double weight(double x) {
            x = Math.abs(x);
            return x < 1 ? 1 - x : 0;
        }
    };

    /** Keys' cubic convolution with a = -0.5, as PIL's BICUBIC. */
    private static final Filter CUBIC = new Filter() {
        public double support() { return 2.0; }

        public double weight(double x) {
            return Bicubic.kernel(x);
        }
    };

    /** Resizes one plane of {@code w x h} to {@code ow x oh} (PIL's BILINEAR), horizontal pass first as PIL does. */
    public static float[] bilinear(float[] src, int w, int h, int ow, int oh) {
        return resize(src, w, h, ow, oh, TRIANGLE);
    }

    /** PIL's BICUBIC resize. */
    public static float[] bicubic(float[] src, int w, int h, int ow, int oh) {
        return resize(src, w, h, ow, oh, CUBIC);
    }

    private static float[] resize(float[] src, int w, int h, int ow, int oh, Filter f) {
        float[] tmp = ow == w ? src : pass(src, w, h, ow, true, f);
        return oh == h ? tmp : pass(tmp, ow, h, oh, false, f);
    }

    /** PIL's BICUBIC weights along one axis: output sample o is the sum of in[starts[o] + k] * weights[o * kmax + k]. */
    static Axis bicubicAxis(int inSize, int outSize) {
        return axis(inSize, outSize, CUBIC);
    }

    /** PIL's BICUBIC horizontal pass alone (w x h to ow x h). */
    static float[] bicubicHorizontal(float[] src, int w, int h, int ow) {
        return ow == w ? src : pass(src, w, h, ow, true, CUBIC);
    }

    record Axis(int[] starts, int[] counts, double[] weights, int kmax) {
        /** Output row o of a vertical pass over {@code src} ({@code w} wide), as {@link #pass} computes it. */
        void row(float[] src, int w, int o, float[] dst) {
            int base = o * kmax;
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = 0; k < counts[o]; k++) s += src[(starts[o] + k) * w + x] * weights[base + k];
                dst[x] = (float) s;
            }
        }
    }

    private static Axis axis(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support() * filterScale;
        int[] starts = new int[outSize];
        int[] counts = new int[outSize];
        int kmax = (int) Math.ceil(support) * 2 + 1;
        double[] weights = new double[outSize * kmax];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (int k = 0; k < xmax; k++) {
                double wgt = filter.weight((k + xmin - center + 0.5) / filterScale);
                weights[o * kmax + k] = wgt;
                total += wgt;
            }
            if (total != 0) for (int k = 0; k < xmax; k++) weights[o * kmax + k] /= total;
            starts[o] = xmin;
            counts[o] = xmax;
        }
        return new Axis(starts, counts, weights, kmax);
    }

    private static float[] pass(float[] src, int w, int h, int outSize, boolean horizontal, Filter filter) {
        Axis a = axis(horizontal ? w : h, outSize, filter);
        int ow = horizontal ? outSize : w;
        int oh = horizontal ? h : outSize;
        float[] out = new float[ow * oh];
        if (horizontal) {
            for (int y = 0; y < h; y++) {
                int row = y * w;
                for (int o = 0; o < outSize; o++) {
                    double s = 0;
                    int base = o * a.kmax();
                    for (int k = 0; k < a.counts()[o]; k++) s += src[row + a.starts()[o] + k] * a.weights()[base + k];
                    out[y * ow + o] = (float) s;
                }
            }
        } else {
            float[] row = new float[w];
            for (int o = 0; o < outSize; o++) {
                a.row(src, w, o, row);
                System.arraycopy(row, 0, out, o * w, w);
            }
        }
        return out;
    }
}
