package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.HeatColorizer;
import javafx.scene.control.ComboBox;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viewer's heat fades with the map by default (the radiograph shows through weak evidence); Solid is the article's look. */
class HeatFadeViewerTest extends ViewerTestBase {

    @Start
    void start(Stage stage) throws Exception {
        open(stage, List.of(Fixtures.sample("phantom-01-pneumonia.png")));
    }

    private int[] alphaRange(FxRobot robot) {
        javafx.scene.image.Image img = robot.lookup("#heat-layer").queryAs(ImageView.class).getImage();
        int lo = 255, hi = 0;
        var r = img.getPixelReader();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                int a = r.getArgb(x, y) >>> 24;
                lo = Math.min(lo, a);
                hi = Math.max(hi, a);
            }
        }
        return new int[] {lo, hi};
    }

    @Test
    @SuppressWarnings("unchecked")
    void fadeIsTheDefaultAndSolidDrawsEveryValue(FxRobot robot) throws Exception {
        waitUntil(() -> window.heatProperty().get() != null, "the map");
        ComboBox<HeatColorizer.Fade> fade = robot.lookup("#fade").queryAs(ComboBox.class);
        assertEquals(HeatColorizer.Fade.FADE, fade.getValue());
        int[] faded = alphaRange(robot);
        assertTrue(faded[0] < 40 && faded[1] > 200, "weak evidence nearly transparent, the strongest opaque: " + faded[0] + ".." + faded[1]);
        snapshot(stage.getScene().getRoot(), "heat-fade.png");
        int renders = window.renderCountProperty().get();
        robot.interact(() -> fade.setValue(HeatColorizer.Fade.SOLID));
        waitUntil(() -> window.renderCountProperty().get() > renders, "the map drawn again");
        int[] solid = alphaRange(robot);
        assertEquals(255, solid[0], "solid: every value drawn at the layer's opacity");
    }
}
