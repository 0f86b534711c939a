package dev.gradcamviewer.imaging;

/**
 * An image at full resolution as float planes in [0, 1]: {@code planes[c][y * width + x]}, one plane
 * for grayscale, three for colour. {@code bitDepth} is per sample as stored in the file (8 or 16).
 */
public record DecodedImage(int width, int height, float[][] planes, int bitDepth) {
    public int channels() { return planes.length; }

    public boolean isGray() { return planes.length == 1; }
}
