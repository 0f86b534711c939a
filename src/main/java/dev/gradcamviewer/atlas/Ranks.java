package dev.gradcamviewer.atlas;

/** Ranks of values as scipy.stats.rankdata gives them: 1 for the smallest, tied values sharing their mean rank. */
final class Ranks {
    private Ranks() { }

    static double[] of(float[] v) {
        int n = v.length;
        int[] order = sortedOrder(v);
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1; // mean of ranks i+1 .. j+1
            for (int k = i; k <= j; k++) r[order[k]] = rank;
            i = j + 1;
        }
        return r;
    }

    /** Indices of {@code v} in ascending order of value: the float bits made sortable as longs, the index below them (a megapixel in milliseconds). */
    private static int[] sortedOrder(float[] v) {
        int n = v.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(v[i] == 0f ? 0f : v[i]); // -0 and 0 are one value
            int ordered = bits < 0 ? ~bits : bits | 0x80000000;
            keys[i] = ((long) (ordered ^ 0x80000000) << 32) | i;
        }
        java.util.Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = (int) keys[i];
        return order;
    }
}
