package dev.gradcamviewer.cam;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018), with the closed form for exponential scores that
 * pytorch-grad-cam uses: alpha = g^2 / (2 g^2 + sum(A) g^3), weight = sum over cells of alpha * ReLU(g).
 */
public final class GradCamPlusPlus implements ChannelWeights {
    /** pytorch-grad-cam's (a sigmoid's small gradients make g^2 of this order: the constant matters). */
    private static final double EPS = 1e-6;

    @Override public String id() { return "gradcampp"; }

    @Override public String displayName() { return "Grad-CAM++"; }

    @Override
    public double[] channelWeights(LayerData l) {
        int n = l.cells();
        float[] a = l.activations();
        float[] g = l.gradients();
        double[] sums = ChannelWeights.channelSums(a, l.channels(), n);
        double[] w = new double[l.channels()];
        for (int k = 0; k < l.channels(); k++) {
            double sumA = sums[k];
            double s = 0;
            for (int p = 0; p < n; p++) {
                double gi = g[k * n + p];
                if (gi == 0) continue;
                double g2 = gi * gi;
                double alpha = g2 / (2 * g2 + sumA * g2 * gi + EPS);
                s += alpha * Math.max(gi, 0);
            }
            w[k] = s;
        }
        return w;
    }
}
