package dev.gradcamviewer.imaging;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The row blend is the per-pixel colour look-up and blend, pixel for pixel, at any offset and opacity. */
class HeatColorizerBlendRowTest {
    @Test
    void equalsColouringAndBlendingEachPixel() {
        SplittableRandom random = new SplittableRandom(16);
        for (String map : new String[] {"jet", "viridis_r"}) {
            HeatColorizer colours = new HeatColorizer(Colormap.of(map), map.equals("jet") ? 2.0 : 1.0);
            for (int a : new int[] {0, 1, 102, 255, 256}) {
                float[] heat = new float[300];
                int[] pixels = new int[400];
                for (int i = 0; i < heat.length; i++) heat[i] = (float) (random.nextDouble() * 1.6 - 0.3);
                heat[7] = Float.NaN;
                for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextInt() & 0xffffff;
                int[] expected = pixels.clone();
                int heatFrom = 5;
                int pixelsFrom = 60;
                int n = 250;
                for (int k = 0; k < n; k++) {
                    expected[pixelsFrom + k] = OverlayComposer.blend(expected[pixelsFrom + k], colours.argb(heat[heatFrom + k]), a);
                }
                colours.blendRow(heat, heatFrom, pixels, pixelsFrom, n, a);
                for (int i = 0; i < pixels.length; i++) assertEquals(expected[i], pixels[i], map + ", a = " + a + ", pixel " + i);
            }
        }
    }
}
