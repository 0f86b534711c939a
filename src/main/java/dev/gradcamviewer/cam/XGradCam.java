package dev.gradcamviewer.cam;

/** XGrad-CAM (Fu et al. 2020): weight = sum over cells of g * A / sum(A). */
public final class XGradCam implements ChannelWeights {
    private static final double EPS = 1e-7;

    @Override public String id() { return "xgradcam"; }

    @Override public String displayName() { return "XGrad-CAM"; }

    @Override
    public double[] channelWeights(LayerData l) {
        int n = l.cells();
        float[] a = l.activations();
        float[] g = l.gradients();
        double[] sumA = ChannelWeights.channelSums(a, l.channels(), n);
        double[] w = new double[l.channels()];
        for (int k = 0; k < l.channels(); k++) {
            double sumGA = 0;
            for (int p = 0; p < n; p++) sumGA += (double) g[k * n + p] * a[k * n + p];
            w[k] = sumGA / (sumA[k] + EPS);
        }
        return w;
    }
}
