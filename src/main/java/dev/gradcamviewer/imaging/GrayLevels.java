package dev.gradcamviewer.imaging;

import java.util.List;

/**
 * The gray values behind a grayscale image that has more levels than a screen shows (DICOM, 16-bit
 * PNG/TIFF): {@code values[y * width + x]} after the modality LUT, the value-of-interest transforms
 * the file offers ({@code presets}, the first is the default), and whether the lowest value is
 * white (DICOM's MONOCHROME1 or an inverse presentation LUT). The image's planes were made with
 * {@code presets.get(0)}; display windowing starts from here and never changes them.
 */
public record GrayLevels(float[] values, List<Voi> presets, boolean inverted, float min, float max) {
    public GrayLevels {
        presets = List.copyOf(presets);
        if (presets.isEmpty()) throw new IllegalArgumentException("at least one preset");
    }

    public static GrayLevels of(float[] values, List<Voi> presets, boolean inverted) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (values.length == 0) min = max = 0;
        return new GrayLevels(values, presets, inverted, min, max);
    }

    public Voi defaultVoi() { return presets.get(0); }

    /** Display values in [0, 1] through {@code voi}, inverted when the image says so or {@code invert} asks. */
    public float[] render(Voi voi, boolean invert) {
        boolean flip = inverted ^ invert;
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            float v = voi.apply(values[i]);
            out[i] = flip ? 1f - v : v;
        }
        return out;
    }

    public GrayLevels withPresets(List<Voi> newPresets) {
        return new GrayLevels(values, newPresets, inverted, min, max);
    }

    /** The same levels, subsampled or turned as the image's planes were. */
    public GrayLevels withValues(float[] newValues) {
        return new GrayLevels(newValues, presets, inverted, min, max);
    }
}
