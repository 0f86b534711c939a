package dev.gradcamviewer.cam;

/**
 * Ablation-CAM (Desai and Ramaswamy 2020): a channel's weight is the relative drop of the target's
 * score when that channel is removed, (y - y_k) / y. Removing means zeroing, as the paper does;
 * pytorch-grad-cam instead sets a layer with negative values to its minimum minus 1e7. The passes
 * that remove each channel are the model's work ({@code app.AblationCamRunner}) — through the
 * bundle's probes, which no hook-based tool can do on a TorchScript model.
 */
public final class AblationCam {
    private AblationCam() { }

    public static final String ID = "ablationcam";
    public static final String NAME = "Ablation-CAM";

    /** Ablation-CAM as users name it; its weights come from the model's passes. */
    public static final CamMethod METHOD = new ModelPassMethod(ID, NAME);

    /** The probe that removes channel {@code k}: minus its activations, zero elsewhere (channels x cells). */
    public static void removal(LayerData layer, int k, float[] out, int offset) {
        int cells = layer.cells();
        float[] a = layer.activations();
        for (int i = 0; i < cells; i++) out[offset + k * cells + i] = -a[k * cells + i];
    }

    /** The map from the score without removal and with each channel removed. */
    public static CamMap map(LayerData layer, float original, float[] removed) {
        double[] w = new double[removed.length];
        for (int k = 0; k < w.length; k++) w[k] = (original - removed[k]) / (double) original;
        return new ModelPassMethod.Weighted(ID, NAME, w).compute(layer);
    }
}
