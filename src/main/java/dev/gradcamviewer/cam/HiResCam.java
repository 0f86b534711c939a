package dev.gradcamviewer.cam;

/** HiResCAM (Draelos and Carin 2020): gradients times activations, summed over channels, no pooling. */
public final class HiResCam implements CellWeights {
    @Override public String id() { return "hirescam"; }

    @Override public String displayName() { return "HiResCAM"; }

    @Override
    public double[] cellWeights(LayerData l) {
        float[] g = l.gradients();
        double[] w = new double[g.length];
        for (int i = 0; i < g.length; i++) w[i] = g[i];
        return w;
    }
}
