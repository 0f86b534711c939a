package dev.gradcamviewer.cam;

/**
 * pytorch-grad-cam's {@code aug_smooth}: the method's map averaged over six versions of the input —
 * as it is and mirrored left to right, each multiplied by 0.9, 1 and 1.1 (ttach's HorizontalFlip and
 * Multiply, on the normalised input) — each map mirrored back before averaging; ReLU'd and divided by
 * its maximum. Six passes of the model ({@code app.ModelPassCams}).
 */
public record AugSmooth(CamMethod inner) implements ChannelWeights {
    public static final double[] FACTORS = {0.9, 1.0, 1.1};

    public AugSmooth {
        if (inner.needsModelPasses()) throw new IllegalArgumentException("--aug-smooth does not apply to " + inner.displayName());
    }

    @Override public String id() { return inner.id() + "-augsmooth"; }

    @Override public String displayName() { return inner.displayName() + " (aug-smooth)"; }

    @Override public boolean usesGradients() { return inner.usesGradients(); }

    @Override public boolean needsModelPasses() { return true; }

    @Override
    public double[] channelWeights(LayerData layer) {
        throw new IllegalStateException(displayName() + " is made from six passes of the model (app.ModelPassCams)");
    }

    /** The input (channels x height x width) mirrored left to right and multiplied by {@code factor}. */
    public static float[] augmented(float[] input, int channels, int height, int width, boolean mirrored, double factor) {
        float[] out = new float[input.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int row = (c * height + y) * width;
                for (int x = 0; x < width; x++) out[row + x] = (float) (input[row + (mirrored ? width - 1 - x : x)] * factor);
            }
        }
        return out;
    }

    /** The mean of the maps (each already mirrored back), ReLU'd and divided by its maximum. */
    public static CamMap mean(float[][] maps, int height, int width, boolean zeroGradient) {
        float[] out = new float[height * width];
        double max = 0;
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (float[] m : maps) s += m[i];
            out[i] = (float) Math.max(0, s / maps.length);
            max = Math.max(max, out[i]);
        }
        if (max > 0) for (int i = 0; i < out.length; i++) out[i] = (float) (out[i] / max);
        return new CamMap(out, height, width, zeroGradient);
    }

    /** A map mirrored left to right. */
    public static float[] mirrored(float[] map, int height, int width) {
        float[] out = new float[map.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) out[y * width + x] = map[y * width + width - 1 - x];
        }
        return out;
    }
}
