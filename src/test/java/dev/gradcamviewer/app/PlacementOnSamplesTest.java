package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.GradCam;
import dev.gradcamviewer.cam.HiResCam;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import org.junit.jupiter.api.Test;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the shipped samples with lesion masks, the default placement (cells on their receptive-field
 * centres) puts the map's maximum inside the lesion at least as often as the article's resize.
 */
class PlacementOnSamplesTest {
    @Test
    void receptiveFieldPointsAtLeastAsWellAsResize() throws Exception {
        int positives = 0;
        int[] hits = new int[4];
        try (ModelBundle bundle = ModelBundle.open(Fixtures.demoModel())) {
            Explainer explainer = new Explainer(bundle);
            try (DirectoryStream<Path> masks = Files.newDirectoryStream(Fixtures.root().resolve("models/sample-masks"), "*.mask.png")) {
                for (Path maskFile : masks) {
                    DecodedImage mask = ImageDecoder.decode(maskFile);
                    if (!anySet(mask)) continue;
                    String stem = maskFile.getFileName().toString().replace(".mask.png", "");
                    Path image;
                    try (DirectoryStream<Path> s = Files.newDirectoryStream(Fixtures.root().resolve("models/samples"), stem + ".*")) {
                        image = s.iterator().next();
                    }
                    positives++;
                    ExplainedImage ex = explainer.explain(image, 1, Score.LOGIT, java.util.List.of("base_model.4"));
                    int k = 0;
                    for (CamMethod m : new CamMethod[] {new GradCam(), new HiResCam()}) {
                        for (Placement p : Placement.values()) {
                            if (inside(mask, ex.placed("base_model.4", m, p))) hits[k]++;
                            k++;
                        }
                    }
                }
            }
        }
        System.out.printf("%d positive samples; base_model.4 maximum inside the lesion: Grad-CAM rf %d, resize %d; HiResCAM rf %d, resize %d%n",
                positives, hits[0], hits[1], hits[2], hits[3]);
        assertTrue(positives >= 5);
        assertTrue(hits[0] >= hits[1], "Grad-CAM: receptive-field placement must point at least as well as resize");
        assertTrue(hits[2] >= hits[3], "HiResCAM: receptive-field placement must point at least as well as resize");
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
