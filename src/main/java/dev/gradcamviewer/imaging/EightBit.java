package dev.gradcamviewer.imaging;

/** A sample in [0, 1] as an 8-bit level. */
final class EightBit {
    private EightBit() { }

    /** {@code v * 255} rounded half up, clamped to 0..255 (NaN gives 0). */
    static int of(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
