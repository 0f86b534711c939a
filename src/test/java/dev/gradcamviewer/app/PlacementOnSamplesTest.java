package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.GradCam;
import dev.gradcamviewer.cam.HiResCam;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the map's maximum lands, for images whose lesions are known: the default placement (cells
 * on their receptive-field centres) must put it inside a lesion at least as often as the article's
 * resize, on the shipped samples and on 60 fresh phantoms of three shapes.
 */
class PlacementOnSamplesTest {
    private static final String LAYER = "resnet_blocks.4";
    private static final CamMethod[] METHODS = {new GradCam(), new HiResCam()};
    private static ModelBundle bundle;

    @BeforeAll
    static void open() throws Exception {
        bundle = ModelBundle.open(Fixtures.demoModel());
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    /** Hits per method and placement: [Grad-CAM rf, Grad-CAM resize, HiResCAM rf, HiResCAM resize]. */
    private static int[] hits(List<Path[]> imagesAndMasks) throws Exception {
        int[] hits = new int[4];
        Explainer explainer = new Explainer(bundle);
        for (Path[] pair : imagesAndMasks) {
            DecodedImage mask = ImageDecoder.decode(pair[1]);
            try (ExplainedImage ex = explainer.explain(pair[0], 1, Score.LOGIT, List.of(LAYER))) {
                int k = 0;
                for (CamMethod m : METHODS) {
                    for (Placement p : new Placement[] {Placement.RECEPTIVE_FIELD, Placement.RESIZE}) {
                        if (inside(mask, ex.placed(LAYER, m, p))) hits[k]++;
                        k++;
                    }
                }
            }
        }
        return hits;
    }

    @Test
    void onTheSamplesReceptiveFieldPointsAtLeastAsWellAsResize() throws Exception {
        List<Path[]> pairs = new ArrayList<>();
        try (DirectoryStream<Path> masks = Files.newDirectoryStream(Fixtures.root().resolve("models/sample-masks"), "*.mask.png")) {
            for (Path maskFile : masks) {
                if (!anySet(ImageDecoder.decode(maskFile))) continue;
                String stem = maskFile.getFileName().toString().replace(".mask.png", "");
                try (DirectoryStream<Path> s = Files.newDirectoryStream(Fixtures.root().resolve("models/samples"), stem + ".*")) {
                    pairs.add(new Path[] {s.iterator().next(), maskFile});
                }
            }
        }
        int[] hits = hits(pairs);
        report("positive samples", pairs.size(), hits);
        assertTrue(pairs.size() >= 5);
        assertTrue(hits[0] >= hits[1], "Grad-CAM: receptive-field placement must point at least as well as resize");
        assertTrue(hits[2] >= hits[3], "HiResCAM: receptive-field placement must point at least as well as resize");
        assertTrue(hits[0] >= pairs.size() / 2, "the demo model's Grad-CAM should point at most samples' lesions");
    }

    @Test
    void onFreshPhantomsOfThreeShapesReceptiveFieldPointsBetterThanResize() throws Exception {
        Path dir = Fixtures.dir().resolve("pointing");
        List<Path[]> pairs = new ArrayList<>();
        try (DirectoryStream<Path> images = Files.newDirectoryStream(dir, "phantom-??.png")) {
            for (Path image : images) {
                pairs.add(new Path[] {image, dir.resolve(image.getFileName().toString().replace(".png", ".mask.png"))});
            }
        }
        int[] hits = hits(pairs);
        report("fresh phantoms", pairs.size(), hits);
        assertTrue(pairs.size() >= 60);
        assertTrue(hits[0] > hits[1], "Grad-CAM: receptive-field placement must point better than resize");
        assertTrue(hits[2] > hits[3], "HiResCAM: receptive-field placement must point better than resize");
        assertTrue(hits[0] >= pairs.size() * 6 / 10, "the demo model's Grad-CAM should point at 60 % of lesions or more");
    }

    private static void report(String what, int n, int[] hits) {
        System.out.printf("%d %s; %s maximum inside a lesion: Grad-CAM rf %d, resize %d; HiResCAM rf %d, resize %d%n",
                n, what, LAYER, hits[0], hits[1], hits[2], hits[3]);
    }

    private static boolean anySet(DecodedImage mask) {
        for (float v : mask.planes()[0]) if (v > 0.5f) return true;
        return false;
    }

    private static boolean inside(DecodedImage mask, PlacedMap map) {
        int best = 0;
        float[] v = map.values();
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        int x = map.x() + best % map.width();
        int y = map.y() + best / map.width();
        return mask.planes()[0][y * mask.width() + x] > 0.5f;
    }
}
