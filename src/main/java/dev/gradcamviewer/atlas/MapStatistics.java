package dev.gradcamviewer.atlas;

import dev.gradcamviewer.imaging.PlacedMap;

/**
 * Where one map's heat lies on its image. Heat is the placed map clipped at zero (the bicubic
 * upscale rings slightly below it); a share is the heat in a region over all the heat. Beside each
 * share, the same for a uniform map over the model's crop (the region's share of the crop's area):
 * the baseline a map must be compared with. The peak is the placed map's largest value (the first in
 * reading order). A map with no heat anywhere has no shares and no peak ({@link #noHeat()}):
 * counted as "no evidence shown", never averaged in as a cold map. Shares of the mask are NaN, and
 * its peak test false, when no mask was given.
 */
public record MapStatistics(boolean noHeat, double heatOutsideBody, double uniformOutsideBody, double heatInBorder,
                            double uniformBorder, double heatInMask, double uniformMask, int peakX, int peakY,
                            boolean peakOutsideBody, boolean peakInBorder, boolean peakInMask, boolean hasMask) {

    /**
     * @param map the map placed on an image of {@code width} x {@code height} pixels
     * @param body the image's body ({@link BodyMask}), true inside
     * @param mask a region to measure the heat in (a lung mask), true inside; or null
     */
    public static MapStatistics of(PlacedMap map, int width, int height, boolean[] body, boolean[] mask) {
        if (body.length != width * height || (mask != null && mask.length != width * height)) {
            throw new IllegalArgumentException("the body and mask must have the image's size");
        }
        BorderBand band = BorderBand.of(width, height);
        double total = 0;
        double outside = 0;
        double border = 0;
        double inMask = 0;
        long area = 0;
        long areaOutside = 0;
        long areaBorder = 0;
        long areaMask = 0;
        float peak = Float.NEGATIVE_INFINITY;
        int peakX = -1;
        int peakY = -1;
        float[] row = map.values();
        int x1 = Math.min(width, map.x() + map.width());
        int y1 = Math.min(height, map.y() + map.height());
        for (int y = Math.max(0, map.y()); y < y1; y++) {
            int base = (y - map.y()) * map.width() - map.x();
            for (int x = Math.max(0, map.x()); x < x1; x++) {
                float v = row[base + x];
                int i = y * width + x;
                boolean out = !body[i];
                boolean b = band.contains(x, y);
                boolean m = mask != null && mask[i];
                area++;
                if (out) areaOutside++;
                if (b) areaBorder++;
                if (m) areaMask++;
                if (v > peak) {
                    peak = v;
                    peakX = x;
                    peakY = y;
                }
                if (v <= 0) continue;
                total += v;
                if (out) outside += v;
                if (b) border += v;
                if (m) inMask += v;
            }
        }
        boolean none = !(total > 0);
        double nan = Double.NaN;
        double ua = area == 0 ? nan : (double) areaOutside / area;
        double ub = area == 0 ? nan : (double) areaBorder / area;
        double um = mask == null || area == 0 ? nan : (double) areaMask / area;
        if (none) return new MapStatistics(true, nan, ua, nan, ub, nan, um, -1, -1, false, false, false, mask != null);
        int pi = peakY * width + peakX;
        return new MapStatistics(false, outside / total, ua, border / total, ub, mask == null ? nan : inMask / total, um,
                peakX, peakY, !body[pi], band.contains(peakX, peakY), mask != null && mask[pi], mask != null);
    }

    /** Flagged: the peak outside the body or in the border band, or more than half of the heat outside the body. */
    public boolean flagged() {
        return !noHeat && (peakOutsideBody || peakInBorder || heatOutsideBody > 0.5);
    }

    /** How strongly it is flagged, for ordering: the heat outside the body and in the band, plus one for each peak test failed. */
    public double flagStrength() {
        if (noHeat) return 0;
        return heatOutsideBody + heatInBorder + (peakOutsideBody ? 1 : 0) + (peakInBorder ? 1 : 0);
    }
}
