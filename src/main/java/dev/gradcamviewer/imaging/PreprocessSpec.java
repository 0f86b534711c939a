package dev.gradcamviewer.imaging;

/**
 * How a model wants its input: channels (1 = luma, 3 = RGB), shorter side resized to {@code resize}
 * (0 = no resize) with PIL's bilinear or, when {@code bicubic}, bicubic filter, centre crop to
 * {@code cropHeight} x {@code cropWidth}, then (v - mean) / std.
 */
public record PreprocessSpec(int channels, int resize, int cropHeight, int cropWidth, float[] mean, float[] std, boolean bicubic) {
    public PreprocessSpec(int channels, int resize, int cropHeight, int cropWidth, float[] mean, float[] std) {
        this(channels, resize, cropHeight, cropWidth, mean, std, false);
    }
}
