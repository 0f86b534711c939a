package dev.gradcamviewer.imaging;

/** Small previews of decoded images, as opaque 0xAARRGGBB pixels (any format, 16-bit included). */
public final class Thumbnails {
    private Thumbnails() { }

    /** Fits the image into {@code size} x {@code size}; returns {width, height} in {@code dims}. */
    public static int[] argb(DecodedImage img, int size, int[] dims) {
        double s = Math.min(1.0, (double) size / Math.max(img.width(), img.height()));
        int w = Math.max(1, (int) Math.round(img.width() * s));
        int h = Math.max(1, (int) Math.round(img.height() * s));
        float[][] planes = new float[img.channels()][];
        for (int c = 0; c < img.channels(); c++) planes[c] = Resampler.bilinear(img.planes()[c], img.width(), img.height(), w, h);
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            int r = EightBit.of(planes[0][i]);
            int g = img.isGray() ? r : EightBit.of(planes[1][i]);
            int b = img.isGray() ? r : EightBit.of(planes[2][i]);
            out[i] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
        dims[0] = w;
        dims[1] = h;
        return out;
    }
}
