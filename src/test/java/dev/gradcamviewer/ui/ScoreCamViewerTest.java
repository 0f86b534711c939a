package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.ScoreCam;
import javafx.scene.control.ComboBox;
import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Score-CAM in the viewer: its masked passes run on the model's thread with progress, then the map is drawn. */
class ScoreCamViewerTest extends ViewerTestBase {

    @Start
    void start(Stage stage) throws Exception { open(stage, List.of(Fixtures.sample("phantom-01-pneumonia.png"), Fixtures.sample("phantom-02-normal.png"))); }

    @Test
    @SuppressWarnings("unchecked")
    void choosingScoreCamRunsItsPassesThenDrawsItsMapAndAnotherImageStopsThem(FxRobot robot) throws Exception {
        waitUntil(() -> window.heatProperty().get() != null, "the first CAM");
        var gradCamHeat = window.heatProperty().get();
        int renders = window.renderCountProperty().get();
        ComboBox<CamMethod> method = robot.lookup("#method").queryAs(ComboBox.class);
        robot.interact(() -> method.setValue(ScoreCam.METHOD));
        waitUntil(() -> window.statusText().contains("Score-CAM of resnet_blocks.4: 256 passes, one per channel"), "the passes under way");
        org.junit.jupiter.api.Assertions.assertNull(window.heatProperty().get(), "no Grad-CAM heat under Score-CAM's name while its passes run");
        waitUntil(() -> window.renderCountProperty().get() > renders && window.heatProperty().get() != gradCamHeat, "the Score-CAM map");
        var ex = window.shownProperty().get();
        assertTrue(ex.hasMap("resnet_blocks.4", ScoreCam.METHOD));
        assertTrue(window.statusText().contains("Score-CAM"), window.statusText());
        snapshot(stage.getScene().getRoot(), "scorecam.png");

        // the next image: its Score-CAM starts; going back at once stops it between two batches
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.PAGE_DOWN).release(javafx.scene.input.KeyCode.PAGE_DOWN));
        waitUntil(() -> window.shownProperty().get().file().getFileName().toString().startsWith("phantom-02")
                && window.statusText().contains("passes, one per channel"), "the second image's passes under way");
        var second = window.shownProperty().get();
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.PAGE_UP).release(javafx.scene.input.KeyCode.PAGE_UP));
        waitUntil(() -> window.shownProperty().get() != second && window.heatProperty().get() != null
                && window.shownProperty().get().file().getFileName().toString().startsWith("phantom-01"), "back on the first image");
        assertFalse(second.hasMap("resnet_blocks.4", ScoreCam.METHOD), "the second image's passes were stopped");
        assertEquals(ScoreCam.METHOD, method.getValue());
    }
}
