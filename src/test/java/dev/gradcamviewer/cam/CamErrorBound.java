package dev.gradcamviewer.cam;

/**
 * How far each cell of a method's normalised map may move when activation i moves by at most
 * {@code dA[i]} and gradient i by at most {@code dG[i]}, computed at the reference tensors.
 *
 * <p>Written from the methods' definitions, not from their Java classes. For a cell p the
 * unnormalised map is S_p = s * sum_k w_kp A_kp (s = 1/C for the article's Grad-CAM, else 1), so
 * |dS_p| <= s * sum_k (|dw_kp| (|A_kp| + dA_kp) + |w_kp| dA_kp), with |dw| from each method's weights:
 * the mean of dG over the channel for Grad-CAM, dG itself for HiResCAM (g) and LayerCAM (ReLU(g),
 * 1-Lipschitz); for
 * XGrad-CAM (a quotient N/D) exactly (|dN| + |w| |dD|) / (|D| - |dD|); for Grad-CAM++ the first-order
 * term of its closed form g^3 / (2 g^2 + sum(A) g^3 + eps), which is large exactly where that
 * denominator nearly cancels. ReLU is 1-Lipschitz, and dividing by the maximum M gives
 * |d map_p| <= (|dS_p| + map_p max|dS|) / (M - max|dS|). Where that is not smaller than 1 the cell
 * is not bounded at all (the map is ill-conditioned there, e.g. a random-weight model whose map
 * maximum is tiny).
 *
 * <p>The bound is a worst case over the signs of the perturbations: it is what float32 rounding of
 * the tensors can do, and it is large only where the map's terms cancel. It is exact (not first
 * order) for every method but Grad-CAM++.
 */
public final class CamErrorBound {
    /** pytorch-grad-cam's constants, as the methods use them: XGrad-CAM's 1e-7, Grad-CAM++'s 1e-6. */
    private static final double EPS = 1e-7;
    private static final double EPS_PLUS_PLUS = 1e-6;

    private CamErrorBound() { }

    /** Per cell, the largest change of the normalised map; a, g are channels-first [C, H*W]. */
    public static double[] perCell(String method, double[] a, double[] g, int channels, int cells, double[] dA, double[] dG) {
        if (method.equals("eigencam") || method.equals("eigengradcam")) {
            return principal(method.equals("eigencam"), a, g, channels, cells, dA, dG);
        }
        double[] dS = new double[cells];
        double[] s = new double[cells];
        double scale = method.equals("gradcam") ? 1.0 / channels : 1.0;
        for (int k = 0; k < channels; k++) {
            int base = k * cells;
            double sumA = 0;
            for (int p = 0; p < cells; p++) sumA += a[base + p];
            double channelW = 0;
            double channelDw = 0;
            switch (method) {
                case "gradcam" -> {
                    for (int p = 0; p < cells; p++) {
                        channelW += g[base + p];
                        channelDw += dG[base + p];
                    }
                    channelW /= cells;
                    channelDw /= cells;
                }
                case "xgradcam" -> {
                    double n = 0;
                    double dn = 0;
                    double dd = 0;
                    for (int p = 0; p < cells; p++) {
                        int i = base + p;
                        n += g[i] * a[i];
                        dn += dG[i] * (Math.abs(a[i]) + dA[i]) + Math.abs(g[i]) * dA[i];
                        dd += dA[i];
                    }
                    double d = sumA + EPS;
                    channelW = n / d;
                    channelDw = Math.abs(d) > dd ? (dn + Math.abs(channelW) * dd) / (Math.abs(d) - dd) : Double.POSITIVE_INFINITY;
                }
                case "gradcampp" -> {
                    double dSum = 0;
                    double dBySum = 0;
                    double dSumA = 0;
                    for (int p = 0; p < cells; p++) {
                        dSumA += dA[base + p];
                        double gi = g[base + p];
                        if (gi > 0) {
                            double den = 2 * gi * gi + sumA * gi * gi * gi + EPS_PLUS_PLUS;
                            double t = gi * gi * gi / den;
                            channelW += t;
                            double dtdg = (3 * gi * gi * den - gi * gi * gi * (4 * gi + 3 * sumA * gi * gi)) / (den * den);
                            dSum += Math.abs(dtdg) * dG[base + p];
                            dBySum += -Math.pow(gi, 6) / (den * den);
                        } else if (gi > -dG[base + p]) {
                            dSum += dG[base + p]; // a gradient that may turn positive adds at most about g / 2
                        }
                    }
                    channelDw = dSum + Math.abs(dBySum) * dSumA;
                }
                case "hirescam", "layercam", "gradcamelementwise" -> { }
                default -> throw new IllegalArgumentException(method);
            }
            for (int p = 0; p < cells; p++) {
                int i = base + p;
                double w;
                double dw;
                if (method.equals("gradcamelementwise")) {
                    // ReLU(g A) is 1-Lipschitz in g A
                    s[p] += Math.max(g[i] * a[i], 0);
                    dS[p] += dG[i] * (Math.abs(a[i]) + dA[i]) + Math.abs(g[i]) * dA[i];
                    continue;
                }
                if (method.equals("hirescam")) {
                    w = g[i];
                    dw = dG[i];
                } else if (method.equals("layercam")) {
                    w = Math.max(g[i], 0);
                    dw = dG[i];
                } else {
                    w = channelW;
                    dw = channelDw;
                }
                s[p] += scale * w * a[i];
                dS[p] += scale * (dw * (Math.abs(a[i]) + dA[i]) + Math.abs(w) * dA[i]);
            }
        }
        return normalised(s, dS);
    }

    /**
     * Eigen-CAM and EigenGrad-CAM: X is the [cells, channels] matrix centred per channel, the map
     * X v1 with v1 its first right singular vector. By Wedin's theorem a perturbation E of X turns
     * v1 by sin(theta) <= |E| / (s1 - s2 - |E|) (|E| <= its Frobenius norm), so that a cell moves by
     * at most |E_p| + |X_p| sqrt(2) sin(theta) (row norms). Large where the first two singular values
     * are close: then the component itself is ill-defined.
     */
    private static double[] principal(boolean activationsOnly, double[] a, double[] g, int channels, int cells, double[] dA, double[] dG) {
        double[] v = new double[a.length];
        double[] dv = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = activationsOnly ? a[i] : a[i] * g[i];
            dv[i] = activationsOnly ? dA[i] : dG[i] * (Math.abs(a[i]) + dA[i]) + Math.abs(g[i]) * dA[i];
        }
        org.ejml.data.DMatrixRMaj x = new org.ejml.data.DMatrixRMaj(cells, channels);
        double[] rowE = new double[cells];
        double[] rowX = new double[cells];
        double frobenius = 0;
        for (int k = 0; k < channels; k++) {
            double mean = 0;
            double dMean = 0;
            for (int p = 0; p < cells; p++) {
                mean += v[k * cells + p];
                dMean += dv[k * cells + p];
            }
            mean /= cells;
            dMean /= cells;
            for (int p = 0; p < cells; p++) {
                double xc = v[k * cells + p] - mean;
                double e = dv[k * cells + p] + dMean; // centring moves a value by at most the mean's change
                x.unsafe_set(p, k, xc);
                rowX[p] += xc * xc;
                rowE[p] += e * e;
                frobenius += e * e;
            }
        }
        frobenius = Math.sqrt(frobenius);
        var svd = org.ejml.dense.row.factory.DecompositionFactory_DDRM.svd(cells, channels, false, true, true);
        if (!svd.decompose(x.copy())) throw new IllegalStateException("SVD did not converge");
        double[] sv = java.util.Arrays.copyOf(svd.getSingularValues(), svd.numberOfSingularValues());
        java.util.Arrays.sort(sv);
        double s1 = sv[sv.length - 1];
        double s2 = sv.length > 1 ? sv[sv.length - 2] : 0;
        double gap = s1 - s2 - frobenius;
        double sinTheta = gap > 0 ? Math.min(1, frobenius / gap) : 1;
        double[] map = org.ejml.dense.row.CommonOps_DDRM.mult(x, svd.getV(null, false), null).getData();
        double[] s = new double[cells];
        double[] dS = new double[cells];
        int top = 0;
        double[] all = svd.getSingularValues();
        for (int i = 1; i < svd.numberOfSingularValues(); i++) if (all[i] > all[top]) top = i;
        int columns = svd.numberOfSingularValues();
        double[] mean = new double[cells];
        double squares = 0;
        for (int p = 0; p < cells; p++) {
            s[p] = map[p * columns + top];
            for (int k = 0; k < channels; k++) {
                mean[p] += v[k * cells + p] / channels;
                squares += v[k * cells + p] * v[k * cells + p];
            }
            dS[p] = Math.sqrt(rowE[p]) + Math.sqrt(rowX[p]) * Math.sqrt(2) * sinTheta;
        }
        // the map's sign, by the method's rule (a rule, not an error: it is the same on both sides)
        if (PrincipalProjection.sign(s, mean, Math.sqrt(squares / v.length)) < 0) for (int p = 0; p < cells; p++) s[p] = -s[p];
        return normalised(s, dS);
    }

    private static double[] normalised(double[] s, double[] dS) {
        int cells = s.length;
        double max = 0;
        double dMax = 0;
        for (int p = 0; p < cells; p++) {
            max = Math.max(max, s[p]);
            dMax = Math.max(dMax, dS[p]);
        }
        double[] bound = new double[cells];
        for (int p = 0; p < cells; p++) {
            double map = max > 0 ? Math.max(s[p], 0) / max : 0;
            bound[p] = max > dMax ? Math.min(1, (dS[p] + map * dMax) / (max - dMax)) : 1;
        }
        return bound;
    }
}
