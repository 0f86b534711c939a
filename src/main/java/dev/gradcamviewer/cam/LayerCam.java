package dev.gradcamviewer.cam;

/** LayerCAM (Jiang et al. 2021): each cell weighted by its own positive gradient. */
public final class LayerCam implements CellWeights {
    @Override public String id() { return "layercam"; }

    @Override public String displayName() { return "LayerCAM"; }

    @Override
    public double[] cellWeights(LayerData l) {
        float[] g = l.gradients();
        double[] w = new double[g.length];
        for (int i = 0; i < g.length; i++) w[i] = Math.max(g[i], 0);
        return w;
    }
}
