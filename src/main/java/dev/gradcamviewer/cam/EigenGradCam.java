package dev.gradcamviewer.cam;

/** EigenGrad-CAM (pytorch-grad-cam): the first principal component of activations x gradients. */
public final class EigenGradCam implements MapMethod {
    @Override public String id() { return "eigengradcam"; }

    @Override public String displayName() { return "EigenGrad-CAM"; }

    @Override public boolean usesGradients() { return true; }

    @Override
    public double[] rawMap(LayerData l) {
        float[] a = l.activations();
        float[] g = l.gradients();
        double[] values = new double[a.length];
        for (int i = 0; i < a.length; i++) values[i] = (double) a[i] * g[i];
        return PrincipalProjection.of(values, l.channels(), l.cells());
    }
}
