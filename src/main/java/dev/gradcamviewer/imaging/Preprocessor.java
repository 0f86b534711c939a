package dev.gradcamviewer.imaging;

/**
 * The article's preprocessing on float data: colour conversion, shorter side resized (torchvision's
 * size rule), centre crop (torchvision's rounding), normalisation. Records the crop's place in the
 * original so that a heatmap can be put back where the model looked.
 */
public final class Preprocessor {
    private Preprocessor() { }

    public static Preprocessed apply(DecodedImage img, PreprocessSpec spec) throws ImageDecodeException {
        int w = img.width();
        int h = img.height();
        float[][] planes = convert(img, spec.channels());
        int rw = w;
        int rh = h;
        if (spec.resize() > 0) {
            if (w <= h) {
                rw = spec.resize();
                rh = (int) ((long) spec.resize() * h / w);
            } else {
                rh = spec.resize();
                rw = (int) ((long) spec.resize() * w / h);
            }
        }
        int ch = spec.cropHeight() > 0 ? spec.cropHeight() : rh;
        int cw = spec.cropWidth() > 0 ? spec.cropWidth() : rw;
        if (ch > rh || cw > rw) {
            throw new ImageDecodeException("the image (" + w + "x" + h + ") is too small for this model: after resizing to "
                    + rw + "x" + rh + " it cannot be cropped to " + cw + "x" + ch);
        }
        int top = (int) Math.rint((rh - ch) / 2.0);
        int left = (int) Math.rint((rw - cw) / 2.0);
        float[] tensor = new float[planes.length * ch * cw];
        float[] resized = null;
        for (int c = 0; c < planes.length; c++) {
            // a gray image given to a colour model repeats one plane: resized once
            if (c == 0 || planes[c] != planes[c - 1]) resized = (rw == w && rh == h) ? planes[c] : resize(planes[c], w, h, rw, rh, spec.bicubic());
            float mean = spec.mean()[c];
            float std = spec.std()[c];
            int base = c * ch * cw;
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    tensor[base + y * cw + x] = (resized[(y + top) * rw + x + left] - mean) / std;
                }
            }
        }
        double sy = (double) h / rh;
        double sx = (double) w / rw;
        CropRegion crop = new CropRegion(top * sy, left * sx, ch * sy, cw * sx, sy, sx);
        return new Preprocessed(tensor, planes.length, ch, cw, crop);
    }

    /**
     * Bicubic overshoots at sharp edges; it is clipped to [0, 1] as PIL's resize of the 8- and 16-bit
     * images models are trained on clips it (a float plane's resize would not).
     */
    private static float[] resize(float[] plane, int w, int h, int rw, int rh, boolean bicubic) {
        if (!bicubic) return Resampler.bilinear(plane, w, h, rw, rh);
        float[] out = Resampler.bicubic(plane, w, h, rw, rh);
        for (int i = 0; i < out.length; i++) out[i] = Math.max(0f, Math.min(1f, out[i]));
        return out;
    }

    /** Gray to RGB by repeating; RGB to luma with PIL's weights (0.299, 0.587, 0.114). */
    static float[][] convert(DecodedImage img, int channels) {
        float[][] p = img.planes();
        if (channels == p.length) return p;
        if (channels == 3) return new float[][] {p[0], p[0], p[0]};
        float[] l = new float[p[0].length];
        for (int i = 0; i < l.length; i++) l[i] = p[0][i] * 0.299f + p[1][i] * 0.587f + p[2][i] * 0.114f;
        return new float[][] {l};
    }
}
