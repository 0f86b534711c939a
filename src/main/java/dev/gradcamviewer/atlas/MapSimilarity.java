package dev.gradcamviewer.atlas;

/**
 * How alike two maps of one size are, as the sanity checks of Adebayo et al. (2018) measure it: the
 * Spearman rank correlation (ties share their mean rank, as scipy.stats.spearmanr) and the structural
 * similarity index as scikit-image computes it by default (7 x 7 uniform windows, sample
 * covariances, K1 0.01, K2 0.03, data range 1, averaged over the pixels whose window lies inside).
 */
public final class MapSimilarity {
    private MapSimilarity() { }

    static final int WINDOW = 7;

    /** NaN when either map is constant. */
    public static double spearman(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("maps of different sizes");
        return pearson(Ranks.of(a), Ranks.of(b));
    }

    public static double ssim(float[] a, float[] b, int width, int height) {
        if (a.length != b.length || a.length != width * height) throw new IllegalArgumentException("maps of different sizes");
        if (width < WINDOW || height < WINDOW) throw new IllegalArgumentException("maps smaller than the 7 x 7 window");
        double[] sa = integral(a, null, width, height);
        double[] sb = integral(b, null, width, height);
        double[] saa = integral(a, a, width, height);
        double[] sbb = integral(b, b, width, height);
        double[] sab = integral(a, b, width, height);
        int n = WINDOW * WINDOW;
        double covNorm = n / (n - 1.0);
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        int pad = WINDOW / 2;
        double sum = 0;
        long count = 0;
        for (int y = pad; y < height - pad; y++) {
            for (int x = pad; x < width - pad; x++) {
                int x0 = x - pad, y0 = y - pad, x1 = x + pad + 1, y1 = y + pad + 1;
                double ux = box(sa, width, x0, y0, x1, y1) / n;
                double uy = box(sb, width, x0, y0, x1, y1) / n;
                double uxx = box(saa, width, x0, y0, x1, y1) / n;
                double uyy = box(sbb, width, x0, y0, x1, y1) / n;
                double uxy = box(sab, width, x0, y0, x1, y1) / n;
                double vx = covNorm * (uxx - ux * ux);
                double vy = covNorm * (uyy - uy * uy);
                double vxy = covNorm * (uxy - ux * uy);
                sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
                count++;
            }
        }
        return sum / count;
    }

    /** Summed-area table of a (or of a * b), (width + 1) x (height + 1). */
    private static double[] integral(float[] a, float[] b, int width, int height) {
        double[] s = new double[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++) {
            double row = 0;
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                row += b == null ? a[i] : (double) a[i] * b[i];
                s[(y + 1) * (width + 1) + x + 1] = s[y * (width + 1) + x + 1] + row;
            }
        }
        return s;
    }

    private static double box(double[] s, int width, int x0, int y0, int x1, int y1) {
        int w = width + 1;
        return s[y1 * w + x1] - s[y0 * w + x1] - s[y1 * w + x0] + s[y0 * w + x0];
    }

    private static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }
}
