package dev.gradcamviewer.cam;

/** Eigen-CAM (Muhammad and Yeasin 2020): the activations' first principal component; no gradient. */
public final class EigenCam implements MapMethod {
    @Override public String id() { return "eigencam"; }

    @Override public String displayName() { return "Eigen-CAM"; }

    @Override public boolean usesGradients() { return false; }

    @Override
    public double[] rawMap(LayerData l) {
        float[] a = l.activations();
        double[] values = new double[a.length];
        for (int i = 0; i < a.length; i++) values[i] = a[i];
        return PrincipalProjection.of(values, l.channels(), l.cells());
    }
}
