package dev.gradcamviewer.imaging;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** EightBit.of is Math.round(v * 255) clamped, where the two could part: at every half level and beyond the ends. */
class EightBitTest {
    private static int reference(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    private static void same(float v) {
        assertEquals(reference(v), EightBit.of(v), () -> "v = " + v + " (bits " + Integer.toHexString(Float.floatToRawIntBits(v)) + ")");
    }

    @Test
    void roundsEveryHalfLevelAndItsNeighboursAsMathRound() {
        for (int k = -2; k <= 257; k++) {
            float half = (k + 0.5f) / 255f;
            float below = half;
            float above = half;
            for (int step = 0; step < 64; step++) {
                same(below);
                same(above);
                below = Math.nextDown(below);
                above = Math.nextUp(above);
            }
        }
    }

    @Test
    void agreesOnTheEndsAndOnRandomBitPatterns() {
        for (float v : new float[] {0f, -0f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.MIN_VALUE, 0.49999997f / 255f, 0.49999997f, 254.5f / 255f, 1e9f, -1e9f, 2.2e9f, -2.2e9f}) {
            same(v);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 2_000_000; i++) same(Float.intBitsToFloat(rnd.nextInt()));
        for (int i = 0; i < 2_000_000; i++) same(rnd.nextInt(-1000, 1_256_000) / 1_000_000f);
    }
}
