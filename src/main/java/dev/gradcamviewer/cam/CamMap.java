package dev.gradcamviewer.cam;

/**
 * A class activation map at the layer's resolution, normalised to [0, 1] by its maximum (an all-zero
 * map stays zero). {@code zeroGradient} says the map is empty because the score had no gradient.
 */
public record CamMap(float[] values, int height, int width, boolean zeroGradient) {
    public float at(int i, int j) { return values[i * width + j]; }

    public boolean isEmpty() {
        for (float v : values) if (v != 0f) return false;
        return true;
    }
}
