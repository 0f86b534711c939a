package dev.gradcamviewer.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Heat that fades with the map, and a threshold below which none is drawn; the solid default blends exactly as before. */
class HeatFadeTest {
    private static final int GRAY = 0x808080;

    private static int blended(HeatColorizer c, float v, int opacity) {
        int[] px = {GRAY};
        c.blendRow(new float[] {v}, 0, px, 0, 1, opacity);
        return px[0];
    }

    @Test
    void solidIsTheArticlesBlendFadeScalesTheOpacityByTheMapAndTheThresholdHidesTheRest() {
        Colormap jet = Colormap.of("jet");
        HeatColorizer solid = new HeatColorizer(jet, 2);
        HeatColorizer fade = new HeatColorizer(jet, 2, HeatColorizer.Fade.FADE, 0);
        HeatColorizer cut = new HeatColorizer(jet, 2, HeatColorizer.Fade.SOLID, 0.3);
        int a = OverlayComposer.opacity(0.4);
        for (float v : new float[] {0f, 0.1f, 0.29f, 0.5f, 0.9f, 1f}) {
            assertEquals(OverlayComposer.blend(GRAY, solid.argb(v), a), blended(solid, v, a), "solid: the article's alpha blend, value " + v);
        }
        assertEquals(GRAY, blended(fade, 0f, a), "no evidence: the radiograph as it is");
        assertEquals(blended(solid, 1f, a), blended(fade, 1f, a), "the strongest evidence at the full opacity");
        assertEquals(OverlayComposer.blend(GRAY, fade.argb(0.5f), a * 128 / 255), blended(fade, 0.5f, a), "half the evidence, half the opacity");
        assertEquals(GRAY, blended(cut, 0.29f, a), "below the threshold nothing is drawn");
        assertNotEquals(GRAY, blended(cut, 0.3f, a), "at it, the heat is");
        assertEquals(blended(solid, 0.6f, a), blended(cut, 0.6f, a));
        assertEquals(0xff, solid.argb(0f) >>> 24);
        assertEquals(0, cut.argb(0.1f) >>> 24);
    }
}
