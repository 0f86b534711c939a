package dev.gradcamviewer.cam;

/**
 * ROAD, Remove And Debias (Rong et al. 2022), as pytorch-grad-cam's {@code ROADMostRelevantFirst},
 * {@code ROADLeastRelevantFirst} and {@code ROADCombined} define it: the pixels a map ranks most (or
 * least) relevant are removed and filled in by noisy linear imputation, each removed pixel the
 * weighted mean of its eight neighbours (1/6 side by side, 1/12 diagonally; the weights of
 * neighbours beyond the image dropped), solved as one linear system over every removed pixel, so
 * that the removal leaves no black hole for the model to react to. The noise is left out here (its
 * 0.01 would only blur the score). This class is the math: which pixels go, and their fill.
 */
public final class Road {
    private Road() { }

    /** The percentiles pytorch-grad-cam averages over. */
    public static final int[] PERCENTILES = {10, 20, 30, 40, 50, 60, 70, 80, 90};

    private static final int[] DY = {1, 0, -1, 1, 0, -1, 1, -1};
    private static final int[] DX = {1, 1, 1, -1, -1, -1, 0, 0};
    private static final double[] W = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0};

    /** numpy.percentile's default (linear interpolation between the sorted values). */
    public static double percentile(float[] v, double p) {
        float[] s = v.clone();
        java.util.Arrays.sort(s);
        double at = p / 100.0 * (s.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(s.length - 1, lo + 1);
        double t = at - lo;
        return s[lo] + (s[hi] - (double) s[lo]) * t;
    }

    /**
     * The pixels that stay: most relevant first removes every pixel at or above the map's
     * {@code p}-th percentile; least relevant first, every pixel at or above it of {@code 1 - map}.
     */
    public static boolean[] kept(float[] map, double p, boolean mostRelevantFirst) {
        float[] m = map;
        if (!mostRelevantFirst) {
            m = new float[map.length];
            for (int i = 0; i < m.length; i++) m[i] = 1f - map[i];
        }
        // float32, as numpy compares the float32 map with the float64 percentile
        double t = percentile(m, p);
        boolean[] keep = new boolean[m.length];
        for (int i = 0; i < m.length; i++) keep[i] = m[i] < t;
        return keep;
    }

    /**
     * {@code x} (channels first, {@code channels * height * width}) with every pixel not kept
     * replaced by the solution of the imputation system, each channel alike.
     */
    public static float[] impute(float[] x, int channels, int height, int width, boolean[] keep) {
        int n = height * width;
        int[] index = new int[n];
        int unknowns = 0;
        for (int i = 0; i < n; i++) index[i] = keep[i] ? -1 : unknowns++;
        float[] out = x.clone();
        if (unknowns == 0) return out;
        int[] pixel = new int[unknowns];
        double[] diag = new double[unknowns];
        int[] nb = new int[unknowns * 8];     // neighbour unknown, -1 when known or outside
        int[] known = new int[unknowns * 8];  // neighbour pixel when known, else -1
        for (int i = 0; i < n; i++) {
            int u = index[i];
            if (u < 0) continue;
            pixel[u] = i;
            int y = i / width;
            int xx = i % width;
            double s = 1;
            for (int k = 0; k < 8; k++) {
                int ny = y + DY[k];
                int nx = xx + DX[k];
                nb[u * 8 + k] = -1;
                known[u * 8 + k] = -1;
                if (ny < 0 || nx < 0 || ny >= height || nx >= width) {
                    s -= W[k];
                    continue;
                }
                int j = ny * width + nx;
                if (index[j] >= 0) nb[u * 8 + k] = index[j];
                else known[u * 8 + k] = j;
            }
            diag[u] = s;
        }
        double[] first = null;
        for (int c = 0; c < channels; c++) {
            int off = c * n;
            double[] ab = c == 0 || first == null ? null : affineOfFirst(x, c, n);
            if (ab != null) { // a gray image in three channels, each normalised: the system is affine-equivariant, so one solve serves
                for (int u = 0; u < unknowns; u++) out[off + pixel[u]] = (float) (ab[0] * first[u] + ab[1]);
                continue;
            }
            double[] b = new double[unknowns];
            for (int u = 0; u < unknowns; u++) {
                double r = 0;
                for (int k = 0; k < 8; k++) if (known[u * 8 + k] >= 0) r += W[k] * x[off + known[u * 8 + k]];
                b[u] = r;
            }
            double[] sol = solve(diag, nb, b);
            if (c == 0) first = sol;
            for (int u = 0; u < unknowns; u++) out[off + pixel[u]] = (float) sol[u];
        }
        return out;
    }

    /**
     * {a, b} when channel {@code c} is a * channel 0 + b at every pixel (to float precision), else null.
     * The imputation of a constant is that constant (the weights sum to the diagonal), so the fill of
     * such a channel is a * the fill of channel 0 + b.
     */
    static double[] affineOfFirst(float[] x, int c, int n) {
        int i = 0;
        int j = -1;
        for (int k = 1; k < n; k++) {
            if (x[k] != x[i]) {
                j = k;
                break;
            }
        }
        int off = c * n;
        if (j < 0) { // channel 0 constant: so must the channel be
            for (int k = 1; k < n; k++) if (x[off + k] != x[off]) return null;
            return new double[] {0, x[off]};
        }
        double a = ((double) x[off + j] - x[off + i]) / ((double) x[j] - x[i]);
        double b = x[off + i] - a * x[i];
        for (int k = 0; k < n; k++) {
            double expected = a * x[k] + b;
            if (Math.abs(expected - x[off + k]) > 1e-5 * (1 + Math.abs(expected))) return null;
        }
        return new double[] {a, b};
    }

    /**
     * Conjugate gradients on (diag - W) x = b, symmetric positive definite when every region of
     * removed pixels touches a kept one; to a relative residual of 1e-10.
     */
    static double[] solve(double[] diag, int[] nb, double[] b) {
        int n = b.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = b[i] / diag[i]; // a start from the kept neighbours alone
        double[] r = new double[n];
        multiply(diag, nb, x, r);
        for (int i = 0; i < n; i++) r[i] = b[i] - r[i];
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = r[i] / diag[i];
        double[] p = z.clone();
        double[] q = new double[n];
        double rz = dot(r, z);
        double bb = Math.sqrt(dot(b, b));
        double stop = 1e-9 * (bb > 0 ? bb : 1);
        for (int it = 0; it < 20 * n + 100 && Math.sqrt(dot(r, r)) > stop; it++) {
            multiply(diag, nb, p, q);
            double alpha = rz / dot(p, q);
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * q[i];
            }
            for (int i = 0; i < n; i++) z[i] = r[i] / diag[i];
            double next = dot(r, z);
            double beta = next / rz;
            rz = next;
            for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
        }
        return x;
    }

    private static void multiply(double[] diag, int[] nb, double[] v, double[] out) {
        for (int u = 0; u < diag.length; u++) {
            double s = diag[u] * v[u];
            int base = u * 8;
            for (int k = 0; k < 8; k++) {
                int j = nb[base + k];
                if (j >= 0) s -= W[k] * v[j];
            }
            out[u] = s;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
