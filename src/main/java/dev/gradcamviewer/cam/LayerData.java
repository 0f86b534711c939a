package dev.gradcamviewer.cam;

/**
 * One tapped layer's activations and the gradient of the score with respect to them, for one
 * image, channels first: value of channel k at cell (i, j) is {@code [k * height * width + i * width + j]}.
 */
public record LayerData(float[] activations, float[] gradients, int channels, int height, int width) {
    public LayerData {
        int n = channels * height * width;
        if (activations.length != n || gradients.length != n) {
            throw new IllegalArgumentException("expected " + n + " values for " + channels + "x" + height + "x" + width);
        }
    }

    public int cells() { return height * width; }

    /** True when every gradient is zero: the score is saturated, and no map can be drawn from it. */
    public boolean gradientIsZero() {
        for (float g : gradients) if (g != 0f) return false;
        return true;
    }
}
