package dev.gradcamviewer.cam;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The first principal component of a layer's per-cell vectors, as Eigen-CAM defines it: the
 * [cells x channels] matrix, each channel centred over the cells, projected on its first right
 * singular vector. A singular vector's sign is arbitrary (pytorch-grad-cam leaves it to the SVD
 * routine, which can show an inverted map): it is chosen so that the projection agrees with the
 * cells' mean over the channels. Where that mean hardly varies over the cells (after a layer norm it
 * is zero up to rounding, and its cosine with anything is noise) or hardly agrees either way, the
 * largest value is made positive.
 */
final class PrincipalProjection {
    private PrincipalProjection() { }

    /** values: channels first [C, cells]. Returns one value per cell. */
    static double[] of(double[] values, int channels, int cells) {
        DMatrixRMaj x = new DMatrixRMaj(cells, channels);
        for (int k = 0; k < channels; k++) {
            double mean = 0;
            for (int p = 0; p < cells; p++) mean += values[k * cells + p];
            mean /= cells;
            for (int p = 0; p < cells; p++) x.unsafe_set(p, k, values[k * cells + p] - mean);
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(cells, channels, false, true, true);
        if (!svd.decompose(x.copy())) throw new IllegalStateException("the singular value decomposition did not converge");
        double[] s = svd.getSingularValues();
        int top = 0;
        for (int i = 1; i < svd.numberOfSingularValues(); i++) if (s[i] > s[top]) top = i;
        DMatrixRMaj v = svd.getV(null, true); // rows are the right singular vectors
        double[] projection = new double[cells];
        double[] mean = new double[cells];
        double squares = 0;
        for (int p = 0; p < cells; p++) {
            double dot = 0;
            for (int k = 0; k < channels; k++) {
                dot += x.unsafe_get(p, k) * v.unsafe_get(top, k);
                mean[p] += values[k * cells + p] / channels;
                squares += values[k * cells + p] * values[k * cells + p];
            }
            projection[p] = dot;
        }
        if (sign(projection, mean, Math.sqrt(squares / values.length)) < 0) {
            for (int p = 0; p < cells; p++) projection[p] = -projection[p];
        }
        return projection;
    }

    /** How far the mean must vary over the cells, relative to the values' RMS, to decide the sign. */
    static final double VARYING = 1e-3;
    /** How well the projection must agree with the mean (|cosine|) to decide the sign. */
    static final double DECISIVE = 0.05;

    /** +1 or -1: the sign that makes the projection agree with the mean, else its largest value positive. */
    static int sign(double[] projection, double[] mean, double rms) {
        double average = 0;
        for (double m : mean) average += m / mean.length;
        double[] varying = new double[mean.length];
        double spread = 0;
        for (int p = 0; p < mean.length; p++) {
            varying[p] = mean[p] - average;
            spread += varying[p] * varying[p];
        }
        if (Math.sqrt(spread / mean.length) >= VARYING * rms) {
            double c = cosine(projection, varying);
            if (Math.abs(c) >= DECISIVE) return c > 0 ? 1 : -1;
        }
        int at = 0;
        for (int p = 1; p < projection.length; p++) if (Math.abs(projection[p]) > Math.abs(projection[at])) at = p;
        return projection[at] >= 0 ? 1 : -1;
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
    }
}
