package dev.gradcamviewer.imaging;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColormapTest {
    /** jet (and others) equal matplotlib's within 1/255, reversed ones too. */
    @Test
    void equalsMatplotlib() throws Exception {
        Path dir = Fixtures.dir().resolve("colormaps");
        float[] values = Npy.read(dir.resolve("values.npy")).data();
        for (String name : new String[] {"jet", "jet_r", "viridis", "turbo"}) {
            float[] expected = Npy.read(dir.resolve(name + ".npy")).data();
            Colormap cm = Colormap.of(name);
            for (int i = 0; i < values.length; i++) {
                int rgb = cm.rgb(values[i]);
                int[] c = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                for (int k = 0; k < 3; k++) {
                    assertEquals(expected[i * 3 + k], c[k] / 255.0, 1 / 255.0 + 1e-6, name + " at " + values[i]);
                }
            }
        }
    }

    @Test
    void everyMapAndItsReverseExist() {
        assertEquals(java.util.List.of("jet", "turbo", "viridis", "inferno", "magma", "hot", "gray"), Colormap.names());
        for (String n : Colormap.names()) {
            assertEquals(Colormap.of(n).rgb(0), Colormap.of(n + "_r").rgb(1));
        }
        assertThrows(IllegalArgumentException.class, () -> Colormap.of("rainbow"));
    }

    @Test
    void emphasisIsAppliedBeforeTheColormap() {
        HeatColorizer squared = new HeatColorizer(Colormap.of("gray"), 2);
        int g = squared.argb(0.5f) & 0xff;
        assertTrue(Math.abs(g - 64) <= 1, "gray of 0.5^2 should be about 64, was " + g);
        assertEquals(0xffffffff, squared.argb(2f));
        assertEquals(0xff000000, squared.argb(-1f));
    }
}
