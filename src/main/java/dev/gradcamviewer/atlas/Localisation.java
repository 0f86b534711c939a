package dev.gradcamviewer.atlas;

import dev.gradcamviewer.imaging.PlacedMap;

/**
 * How well one map finds a ground-truth region (boxes or a mask) on its image:
 * <ul>
 * <li>{@code hit}: the map's peak lies inside the region (the pointing game);</li>
 * <li>{@code iou}: the intersection over union of the region and the map thresholded as CheXlocalize
 *     does: min-max normalised over the image (zero where the model's crop does not reach), then cut
 *     at Otsu's threshold of its 8-bit levels;</li>
 * <li>{@code massInside}: the share of the heat (the map clipped at zero) inside the region;</li>
 * <li>{@code auc}: the ROC AUC of the map's values as a score for "inside the region", over every
 *     pixel (ties counted half, as the Mann-Whitney statistic does).</li>
 * </ul>
 * A map with no heat has no peak: no hit, IoU 0, no mass; its AUC is 0.5 (every pixel tied).
 */
public record Localisation(boolean hit, double iou, double massInside, double auc) {

    public static Localisation of(PlacedMap map, int width, int height, boolean[] region) {
        int n = width * height;
        if (region.length != n) throw new IllegalArgumentException("the region must have the image's size");
        float[] v = new float[n]; // the map over the whole image, zero beyond the crop
        int x1 = Math.min(width, map.x() + map.width());
        int y1 = Math.min(height, map.y() + map.height());
        for (int y = Math.max(0, map.y()); y < y1; y++) {
            for (int x = Math.max(0, map.x()); x < x1; x++) v[y * width + x] = map.at(x, y);
        }
        float peak = Float.NEGATIVE_INFINITY;
        int peakAt = -1;
        double total = 0;
        double inside = 0;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        // the peak within the crop, first in reading order (as MapStatistics finds it)
        for (int y = Math.max(0, map.y()); y < y1; y++) {
            for (int x = Math.max(0, map.x()); x < x1; x++) {
                float f = v[y * width + x];
                if (f > peak) {
                    peak = f;
                    peakAt = y * width + x;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float f = v[i];
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
            if (f > 0) {
                total += f;
                if (region[i]) inside += f;
            }
        }
        if (!(total > 0)) return new Localisation(false, 0, Double.NaN, 0.5);
        int[] levels = new int[n];
        for (int i = 0; i < n; i++) {
            double u = hi > lo ? ((double) v[i] - lo) / ((double) hi - lo) : 0;
            levels[i] = (int) Math.max(0, Math.min(255, Math.floor(u * 255 + 0.5)));
        }
        int t = BodyMask.otsu(levels);
        long both = 0;
        long either = 0;
        for (int i = 0; i < n; i++) {
            boolean s = t >= 0 && levels[i] > t;
            if (s && region[i]) both++;
            if (s || region[i]) either++;
        }
        return new Localisation(region[peakAt], either == 0 ? 0 : (double) both / either, inside / total, auc(v, region));
    }

    /** ROC AUC by ranks: (sum of the positives' ranks - P (P + 1) / 2) / (P N), tied values sharing their mean rank. */
    static double auc(float[] v, boolean[] positive) {
        long p = 0;
        for (boolean b : positive) if (b) p++;
        long q = v.length - p;
        if (p == 0 || q == 0) return Double.NaN;
        double[] ranks = Ranks.of(v);
        double rankSum = 0;
        for (int i = 0; i < v.length; i++) if (positive[i]) rankSum += ranks[i];
        return (rankSum - p * (p + 1) / 2.0) / ((double) p * q);
    }
}
