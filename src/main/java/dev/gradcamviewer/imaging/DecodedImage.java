package dev.gradcamviewer.imaging;

import java.util.List;

/**
 * An image at full resolution as float planes in [0, 1]: {@code planes[c][y * width + x]}, one plane
 * for grayscale, three for colour. {@code bitDepth} is per sample as stored in the file (8 or 16).
 * {@code warnings} says what the decoder noticed (a truncated file, a rotation from the file's
 * orientation tag), for the user to read.
 */
public record DecodedImage(int width, int height, float[][] planes, int bitDepth, List<String> warnings) {
    public DecodedImage(int width, int height, float[][] planes, int bitDepth) {
        this(width, height, planes, bitDepth, List.of());
    }

    /** {@code pixels} (width, height, planes) with {@code like}'s bit depth and the given warnings. */
    DecodedImage(DecodedImage like, DecodedImage pixels, List<String> warnings) {
        this(pixels.width(), pixels.height(), pixels.planes(), like.bitDepth(), List.copyOf(warnings));
    }

    public int channels() { return planes.length; }

    public boolean isGray() { return planes.length == 1; }

    /** True when part of the file was missing and the decoder filled it in. */
    public boolean truncated() {
        return warnings.stream().anyMatch(w -> w.startsWith("the file is truncated"));
    }
}
