package dev.gradcamviewer.imaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeatmapPlacerTest {
    /** The article's placement equals PIL's Image.resize(BICUBIC) on mode-'F' data. */
    @Test
    void resizeEqualsPilBicubic() throws Exception {
        Path dir = Fixtures.dir().resolve("placement");
        for (JsonNode c : new ObjectMapper().readTree(dir.resolve("cases.json").toFile())) {
            Npy.Array map = Npy.read(dir.resolve(c.get("map").asText()));
            float[] expected = Npy.read(dir.resolve(c.get("resized").asText())).data();
            int oh = c.get("height").asInt();
            int ow = c.get("width").asInt();
            float[] actual = Resampler.bicubic(map.data(), map.size(1), map.size(0), ow, oh);
            double worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            assertTrue(worst <= 1e-4, c + ": " + worst);
            // the same through the placer, with the crop filling an image of that size
            CropRegion crop = new CropRegion(0, 0, oh, ow, 1, 1);
            PlacedMap placed = HeatmapPlacer.place(map.data(), map.size(0), map.size(1), null, crop, Placement.RESIZE);
            assertEquals(expected[expected.length / 2], placed.values()[expected.length / 2], 1e-4);
        }
    }

    /** A map with one hot cell peaks exactly at that cell's recorded receptive-field centre. */
    @Test
    void receptiveFieldPutsAOneCellPeakOnItsCentre() {
        int n = 8;
        CellGeometry g = new CellGeometry(0, 0, 32, 32);
        for (int[] cell : new int[][] {{3, 5}, {0, 0}, {7, 2}}) {
            float[] map = new float[n * n];
            map[cell[0] * n + cell[1]] = 1;
            // a portrait original of 600 x 900 whose centre crop was 256 x 256 after resizing to 256 x 384
            double s = 600 / 256.0;
            CropRegion crop = new CropRegion(64 * s, 0, 256 * s, 256 * s, s, s);
            PlacedMap p = HeatmapPlacer.place(map, n, n, g, crop, Placement.RECEPTIVE_FIELD);
            // model-input pixel 32*i has its centre at original (32*i + 0.5) * s - 0.5 (+ crop offset)
            double ey = crop.top() + (32 * cell[0] + 0.5) * s - 0.5;
            double ex = crop.left() + (32 * cell[1] + 0.5) * s - 0.5;
            float atCentre = p.at((int) Math.round(ex), (int) Math.round(ey));
            assertEquals(1.0, atCentre, 1e-2, "the peak sits on cell " + cell[0] + "," + cell[1] + "'s centre");
            // one cell step (32 model pixels) away towards the inside, the map has fallen to zero
            int dy = cell[0] < n / 2 ? 1 : -1;
            assertEquals(0.0, p.at((int) Math.round(ex), (int) Math.round(ey + dy * 32 * s)), 5e-3);
            if (cell[0] > 0 && cell[0] < n - 1 && cell[1] > 0 && cell[1] < n - 1) {
                int best = 0;
                for (int i = 1; i < p.values().length; i++) if (p.values()[i] > p.values()[best]) best = i;
                assertEquals(ey, p.y() + best / p.width(), 0.5 + 1e-9, "row of the maximum");
                assertEquals(ex, p.x() + best % p.width(), 0.5 + 1e-9, "column of the maximum");
            }
        }
    }

    @Test
    void resizePlacementIsHalfAStrideOffFromTheReceptiveField() {
        float[] map = new float[64];
        map[3 * 8 + 3] = 1;
        CropRegion crop = new CropRegion(0, 0, 256, 256, 1, 1);
        PlacedMap rf = HeatmapPlacer.place(map, 8, 8, new CellGeometry(0, 0, 32, 32), crop, Placement.RECEPTIVE_FIELD);
        PlacedMap rs = HeatmapPlacer.place(map, 8, 8, null, crop, Placement.RESIZE);
        assertEquals(96 * 256 + 96, argmax(rf.values()));
        int r = argmax(rs.values());
        // PIL puts cell 3 at 32 * 3.5 - 0.5 = 111.5: 15.5 px down and right
        assertTrue(Math.abs(r / 256 - 111.5) <= 0.5 && Math.abs(r % 256 - 111.5) <= 0.5, "resize peak at " + r / 256 + "," + r % 256);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
