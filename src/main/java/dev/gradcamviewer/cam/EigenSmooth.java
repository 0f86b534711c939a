package dev.gradcamviewer.cam;

/**
 * pytorch-grad-cam's {@code eigen_smooth}: instead of summing a method's weighted activations over
 * channels, their first principal component (the same projection and sign rule as Eigen-CAM), which
 * keeps the dominant pattern and drops noise. For the methods that weigh activations (by channel or
 * by cell).
 */
public record EigenSmooth(CamMethod inner) implements MapMethod {
    public EigenSmooth {
        if (inner instanceof MapMethod || inner.needsModelPasses()) {
            throw new IllegalArgumentException("--eigen-smooth applies to methods that weigh activations, not to " + inner.displayName());
        }
    }

    @Override public String id() { return inner.id() + "-eigensmooth"; }

    @Override public String displayName() { return inner.displayName() + " (eigen-smooth)"; }

    @Override public boolean usesGradients() { return inner.usesGradients(); }

    @Override
    public double[] rawMap(LayerData l) {
        float[] a = l.activations();
        int n = l.cells();
        double[] weighted = new double[a.length];
        if (inner instanceof ChannelWeights cw) {
            double[] w = cw.channelWeights(l);
            for (int i = 0; i < a.length; i++) weighted[i] = w[i / n] * a[i];
        } else {
            double[] w = ((CellWeights) inner).cellWeights(l);
            for (int i = 0; i < a.length; i++) weighted[i] = w[i] * a[i];
        }
        return PrincipalProjection.of(weighted, l.channels(), n);
    }
}
