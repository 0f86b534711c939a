package dev.gradcamviewer.atlas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.PlacedMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The body mask, the map statistics and their reduction against models/tools/atlas_reference.py,
 * written from the same definitions with NumPy and scipy.ndimage (label, binary_fill_holes).
 * Shares are sums of the same float32 values in another order: 1e-9 covers that many times over.
 */
class AtlasStatisticsTest {
    private static final double TOLERANCE = 1e-9;
    private static final Path DIR = Fixtures.dir().resolve("atlas/statistics");

    record Case(String name, int width, int height, MapStatistics statistics, JsonNode expected, String label) { }

    private static List<Case> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
        List<Case> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            int[] levels = ints(Npy.read(DIR.resolve(name + ".levels.npy")).data());
            Npy.Array placed = Npy.read(DIR.resolve(name + ".placed.npy"));
            boolean[] mask = bools(Npy.read(DIR.resolve(name + ".mask.npy")).data());
            boolean[] body = BodyMask.of(levels, w, h);
            PlacedMap map = new PlacedMap(c.get("x").asInt(), c.get("y").asInt(), placed.shape()[1], placed.shape()[0], placed.data());
            out.add(new Case(name, w, h, MapStatistics.of(map, w, h, body, mask), c.get("statistics"), c.get("label").asText()));
        }
        return out;
    }

    @Test
    void bodyMaskEqualsScipysLargestRegionWithHolesFilled() throws IOException {
        JsonNode root = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int[] levels = ints(Npy.read(DIR.resolve(name + ".levels.npy")).data());
            boolean[] expected = bools(Npy.read(DIR.resolve(name + ".body.npy")).data());
            assertEquals(c.get("statistics").get("otsu").asInt(), BodyMask.otsu(levels), name + " Otsu threshold");
            assertArrayEquals(expected, BodyMask.of(levels, c.get("width").asInt(), c.get("height").asInt()), name + " body");
        }
    }

    @Test
    void sharesAndPeaksEqualTheReference() throws IOException {
        int withHeat = 0;
        for (Case c : cases()) {
            JsonNode e = c.expected();
            MapStatistics s = c.statistics();
            assertEquals(e.get("no_heat").asBoolean(), s.noHeat(), c.name());
            assertEquals(e.get("uniform_outside_body").asDouble(), s.uniformOutsideBody(), TOLERANCE, c.name());
            assertEquals(e.get("uniform_border").asDouble(), s.uniformBorder(), TOLERANCE, c.name());
            assertEquals(e.get("uniform_mask").asDouble(), s.uniformMask(), TOLERANCE, c.name());
            if (s.noHeat()) {
                assertTrue(Double.isNaN(s.heatOutsideBody()), "a map with no heat has no shares");
                continue;
            }
            withHeat++;
            assertEquals(e.get("heat_outside_body").asDouble(), s.heatOutsideBody(), TOLERANCE, c.name());
            assertEquals(e.get("heat_in_border").asDouble(), s.heatInBorder(), TOLERANCE, c.name());
            assertEquals(e.get("heat_in_mask").asDouble(), s.heatInMask(), TOLERANCE, c.name());
            assertEquals(e.get("peak_x").asInt(), s.peakX(), c.name());
            assertEquals(e.get("peak_y").asInt(), s.peakY(), c.name());
            assertEquals(e.get("peak_outside_body").asBoolean(), s.peakOutsideBody(), c.name());
            assertEquals(e.get("peak_in_border").asBoolean(), s.peakInBorder(), c.name());
            assertEquals(e.get("peak_in_mask").asBoolean(), s.peakInMask(), c.name());
        }
        assertTrue(withHeat >= 6, "the cases have heat");
    }

    @Test
    void groupsEqualTheReference() throws IOException {
        JsonNode groups = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile()).get("groups");
        AtlasReduction r = new AtlasReduction();
        for (Case c : cases()) {
            r.add(new AtlasReduction.Key(AtlasReduction.By.PREDICTED, c.label(), "layer", "gradcam"),
                    new AtlasReduction.Sample(c.statistics(), c.width(), c.height(), null, 0, 0, null, 0, 0));
        }
        List<AtlasReduction.Summary> summaries = r.summaries();
        assertEquals(2, summaries.size());
        for (AtlasReduction.Summary s : summaries) {
            JsonNode e = groups.get(s.key().label());
            String what = "group " + s.key().label();
            assertEquals(e.get("images").asInt(), s.images(), what);
            assertEquals(e.get("no_heat").asDouble(), s.noHeat(), TOLERANCE, what);
            assertEquals(e.get("flagged_images").asInt(), s.flaggedImages(), what);
            assertEquals(e.get("heat_outside_body").asDouble(), s.heatOutsideBody(), TOLERANCE, what);
            assertEquals(e.get("uniform_outside_body").asDouble(), s.uniformOutsideBody(), TOLERANCE, what);
            assertEquals(e.get("heat_in_border").asDouble(), s.heatInBorder(), TOLERANCE, what);
            assertEquals(e.get("uniform_border").asDouble(), s.uniformBorder(), TOLERANCE, what);
            assertEquals(e.get("peak_outside_body").asDouble(), s.peakOutsideBody(), TOLERANCE, what);
            assertEquals(e.get("peak_in_border").asDouble(), s.peakInBorder(), TOLERANCE, what);
            assertEquals(e.get("fixed_spot").asDouble(), s.fixedSpot(), TOLERANCE, what);
        }
    }

    @Test
    void localisationEqualsTheReference() throws IOException {
        JsonNode root = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
        int hits = 0;
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            Npy.Array placed = Npy.read(DIR.resolve(name + ".placed.npy"));
            List<BoxesFile.Box> boxes = new ArrayList<>();
            for (JsonNode b : c.get("boxes")) boxes.add(new BoxesFile.Box("A", b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble(), 2));
            boolean[] region = BoxRegion.of(boxes, w, h, 1, w, h, null);
            Localisation l = Localisation.of(new PlacedMap(c.get("x").asInt(), c.get("y").asInt(), placed.shape()[1], placed.shape()[0], placed.data()), w, h, region);
            JsonNode e = c.get("localisation");
            assertEquals(e.get("hit").asBoolean(), l.hit(), name);
            assertEquals(e.get("iou").asDouble(), l.iou(), TOLERANCE, name);
            if (e.get("mass_inside").isNull()) assertTrue(Double.isNaN(l.massInside()), name);
            else assertEquals(e.get("mass_inside").asDouble(), l.massInside(), TOLERANCE, name);
            assertEquals(e.get("auc").asDouble(), l.auc(), TOLERANCE, name + " ROC AUC");
            if (l.hit()) hits++;
        }
        assertTrue(hits >= 3 && hits < 8, "both outcomes of the pointing game are checked: " + hits);
    }

    @Test
    void spearmanAndSsimEqualScipysAndScikitImagesDefinitions() throws IOException {
        for (JsonNode p : new ObjectMapper().readTree(DIR.resolve("similarity.json").toFile())) {
            String name = p.get("name").asText();
            float[] a = Npy.read(DIR.resolve(name + ".a.npy")).data();
            float[] b = Npy.read(DIR.resolve(name + ".b.npy")).data();
            assertEquals(p.get("spearman").asDouble(), MapSimilarity.spearman(a, b), 1e-9, name + " Spearman");
            assertEquals(p.get("ssim").asDouble(), MapSimilarity.ssim(a, b, p.get("width").asInt(), p.get("height").asInt()), 1e-9, name + " SSIM");
        }
    }

    @Test
    void aTagApartFromTheBodyIsOutsideAndTheDarkLungsInside() {
        int w = 40;
        int h = 30;
        int[] levels = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = Math.hypot((x - 18) / 12.0, (y - 16) / 11.0);
                int v = 10;
                if (d < 1) v = 180;
                if (Math.hypot((x - 13) / 3.0, (y - 15) / 5.0) < 1 || Math.hypot((x - 23) / 3.0, (y - 15) / 5.0) < 1) v = 40; // lungs
                if (x >= 34 && x < 39 && y >= 1 && y < 4) v = 250; // a tag
                levels[y * w + x] = v;
            }
        }
        boolean[] body = BodyMask.of(levels, w, h);
        assertTrue(body[15 * w + 13], "a dark lung inside the body is the body's");
        assertFalse(body[2 * w + 36], "a bright tag apart from the body is outside it");
        assertFalse(body[0], "the background is outside");
        float[] heat = new float[w * h];
        heat[1 * w + 38] = 1f; // most of the heat on the tag
        heat[15 * w + 13] = 0.5f;
        MapStatistics s = MapStatistics.of(new PlacedMap(0, 0, w, h, heat), w, h, body, null);
        assertEquals(1 / 1.5, s.heatOutsideBody(), 1e-12);
        assertTrue(s.peakOutsideBody());
        assertTrue(s.peakInBorder(), "column 38 of 40 lies in the 2-column band on the right");
        assertTrue(s.flagged());
        assertTrue(Double.isNaN(s.heatInMask()));
    }

    private static int[] ints(float[] f) {
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
        return out;
    }

    private static boolean[] bools(float[] f) {
        boolean[] out = new boolean[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i] != 0;
        return out;
    }
}
