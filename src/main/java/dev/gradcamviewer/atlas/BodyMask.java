package dev.gradcamviewer.atlas;

import dev.gradcamviewer.imaging.DecodedImage;

/**
 * Where the patient is: the largest region brighter than the image's Otsu threshold, with its holes
 * filled. The lungs are dark but lie inside the body, so a plain threshold would count them as
 * outside; a text tag or a side marker is a bright region of its own, not the largest, so it is
 * outside. Regions and holes are 4-connected (as scipy.ndimage's default cross).
 */
public final class BodyMask {
    private BodyMask() { }

    /** The image as shown, in 8-bit levels: the gray plane, or the luminance (ITU-R 601) of a colour image. */
    public static int[] levels(DecodedImage image) {
        float[][] p = image.planes();
        int n = image.width() * image.height();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double v = image.isGray() ? p[0][i] : 0.299 * p[0][i] + 0.587 * p[1][i] + 0.114 * p[2][i];
            out[i] = (int) Math.max(0, Math.min(255, Math.floor(v * 255 + 0.5)));
        }
        return out;
    }

    /**
     * Otsu's threshold of 8-bit levels: the level t that maximises the between-class variance of
     * {levels <= t} and {levels > t} (the first such t); -1 when the image has a single level.
     */
    public static int otsu(int[] levels) {
        long[] hist = new long[256];
        for (int v : levels) hist[v]++;
        double n = levels.length;
        double total = 0;
        for (int t = 0; t < 256; t++) total += (double) t * hist[t];
        double c0 = 0;
        double s0 = 0;
        double best = -1;
        int bestT = -1;
        for (int t = 0; t < 255; t++) {
            c0 += hist[t];
            s0 += (double) t * hist[t];
            double c1 = n - c0;
            if (c0 == 0 || c1 == 0) continue;
            double d = total * c0 - n * s0; // n^2 c0 c1 (mu1 - mu0) / n, squared below: the variance up to a constant
            double v = d * d / (c0 * c1);
            if (v > best) {
                best = v;
                bestT = t;
            }
        }
        return bestT;
    }

    /** The body of an image given as 8-bit levels, {@code width} x {@code height}: true inside. */
    public static boolean[] of(int[] levels, int width, int height) {
        int t = otsu(levels);
        boolean[] body = new boolean[levels.length];
        if (t < 0) {
            java.util.Arrays.fill(body, true); // one level throughout: no background to tell the patient from
            return body;
        }
        boolean[] bright = new boolean[levels.length];
        for (int i = 0; i < levels.length; i++) bright[i] = levels[i] > t;
        int[] label = new int[levels.length];
        int[] queue = new int[levels.length];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        for (int seed = 0; seed < levels.length; seed++) {
            if (!bright[seed] || label[seed] != 0) continue;
            int size = flood(bright, true, label, ++next, seed, width, height, queue);
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        for (int i = 0; i < body.length; i++) body[i] = label[i] == bestLabel && bestLabel != 0;
        fillHoles(body, width, height, queue);
        return body;
    }

    /** Sets every false pixel that no 4-connected path of false pixels joins to the image's edge. */
    static void fillHoles(boolean[] inside, int width, int height, int[] queue) {
        int[] label = new int[inside.length];
        boolean[] outside = new boolean[inside.length];
        for (int i = 0; i < inside.length; i++) outside[i] = !inside[i];
        for (int x = 0; x < width; x++) {
            seedEdge(outside, label, x, width, height, queue);
            seedEdge(outside, label, (height - 1) * width + x, width, height, queue);
        }
        for (int y = 0; y < height; y++) {
            seedEdge(outside, label, y * width, width, height, queue);
            seedEdge(outside, label, y * width + width - 1, width, height, queue);
        }
        for (int i = 0; i < inside.length; i++) if (!inside[i] && label[i] == 0) inside[i] = true;
    }

    private static void seedEdge(boolean[] outside, int[] label, int i, int width, int height, int[] queue) {
        if (outside[i] && label[i] == 0) flood(outside, true, label, 1, i, width, height, queue);
    }

    /** Labels the 4-connected region of pixels equal to {@code value} around {@code seed}; its size. */
    private static int flood(boolean[] pixels, boolean value, int[] label, int id, int seed, int width, int height, int[] queue) {
        int head = 0;
        int tail = 0;
        queue[tail++] = seed;
        label[seed] = id;
        while (head < tail) {
            int i = queue[head++];
            int x = i % width;
            int y = i / width;
            if (x > 0 && pixels[i - 1] == value && label[i - 1] == 0) { label[i - 1] = id; queue[tail++] = i - 1; }
            if (x + 1 < width && pixels[i + 1] == value && label[i + 1] == 0) { label[i + 1] = id; queue[tail++] = i + 1; }
            if (y > 0 && pixels[i - width] == value && label[i - width] == 0) { label[i - width] = id; queue[tail++] = i - width; }
            if (y + 1 < height && pixels[i + width] == value && label[i + width] == 0) { label[i + width] = id; queue[tail++] = i + width; }
        }
        return tail;
    }
}
