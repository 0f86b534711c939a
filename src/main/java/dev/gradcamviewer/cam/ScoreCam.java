package dev.gradcamviewer.cam;

/**
 * Score-CAM (Wang et al. 2020) as pytorch-grad-cam computes it: each channel's activation, upsampled
 * bilinearly to the model's input (corners aligned, as {@code UpsamplingBilinear2d}) and min-max
 * normalised, masks the input; the target's score for each masked input, soft-maxed over channels,
 * is that channel's weight. The masked passes are the model's work ({@code app.ModelPassCams}); this
 * class is the arithmetic on both sides of them.
 */
public final class ScoreCam {
    private ScoreCam() { }

    public static final String ID = "scorecam";
    public static final String NAME = "Score-CAM";

    /** Channel {@code k} of {@code layer}, upsampled to {@code height} x {@code width} and scaled to [0, 1]. */
    public static float[] mask(LayerData layer, int k, int height, int width) {
        int h = layer.height();
        int w = layer.width();
        float[] a = layer.activations();
        int base = k * h * w;
        float[] out = new float[height * width];
        double sy = height > 1 ? (h - 1.0) / (height - 1.0) : 0;
        double sx = width > 1 ? (w - 1.0) / (width - 1.0) : 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int y = 0; y < height; y++) {
            double fy = y * sy;
            int y0 = (int) Math.floor(fy);
            int y1 = Math.min(y0 + 1, h - 1);
            double dy = fy - y0;
            for (int x = 0; x < width; x++) {
                double fx = x * sx;
                int x0 = (int) Math.floor(fx);
                int x1 = Math.min(x0 + 1, w - 1);
                double dx = fx - x0;
                double top = a[base + y0 * w + x0] * (1 - dx) + a[base + y0 * w + x1] * dx;
                double bottom = a[base + y1 * w + x0] * (1 - dx) + a[base + y1 * w + x1] * dx;
                float v = (float) (top * (1 - dy) + bottom * dy);
                out[y * width + x] = v;
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }
        float range = max - min + 1e-8f;
        for (int i = 0; i < out.length; i++) out[i] = (out[i] - min) / range;
        return out;
    }

    /** The model's input times a mask, in every channel of the input ({@code input} is channels x cells). */
    public static void masked(float[] input, float[] mask, float[] out, int offset) {
        int cells = mask.length;
        for (int c = 0; c < input.length / cells; c++) {
            for (int i = 0; i < cells; i++) out[offset + c * cells + i] = input[c * cells + i] * mask[i];
        }
    }

    /** The channels' weights: the soft-max of their scores. */
    public static double[] weights(float[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) max = Math.max(max, s);
        double[] w = new double[scores.length];
        double sum = 0;
        for (int k = 0; k < w.length; k++) sum += w[k] = Math.exp(scores[k] - max);
        for (int k = 0; k < w.length; k++) w[k] /= sum;
        return w;
    }

    /** The map from the weights the masked passes gave. */
    public static CamMap map(LayerData layer, float[] scores) {
        double[] w = weights(scores);
        return new ModelPassMethod.Weighted(ID, NAME, w).compute(layer);
    }

    /** Score-CAM as users name it (`explain --method scorecam`); its weights come from the model's masked passes. */
    public static final CamMethod METHOD = new ModelPassMethod(ID, NAME);
}
