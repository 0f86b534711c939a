package dev.gradcamviewer.cam;

/**
 * Grad-CAM element-wise (pytorch-grad-cam's GradCAMElementWise): ReLU of activation x gradient in
 * every cell of every channel, summed over the channels; no pooling of the gradient.
 */
public final class GradCamElementWise implements MapMethod {
    @Override public String id() { return "gradcamelementwise"; }

    @Override public String displayName() { return "Grad-CAM element-wise"; }

    @Override public boolean usesGradients() { return true; }

    @Override
    public double[] rawMap(LayerData l) {
        float[] a = l.activations();
        float[] g = l.gradients();
        int n = l.cells();
        double[] map = new double[n];
        for (int i = 0; i < a.length; i++) map[i % n] += Math.max(0, (double) a[i] * g[i]);
        return map;
    }
}
