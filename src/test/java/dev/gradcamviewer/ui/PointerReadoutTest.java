package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pixel and heat read-out belongs to the image on screen: cleared while the next loads, made again when its map arrives. */
class PointerReadoutTest extends ViewerTestBase {

    @Start
    void start(Stage stage) throws Exception {
        open(stage, List.of(Fixtures.root().resolve("models/samples")));
    }

    @Test
    void theReadOutFollowsTheImageNotTheMouseAlone(FxRobot robot) {
        waitUntil(() -> window.heatProperty().get() != null, "a map on screen");
        robot.moveTo(window.imagePane());
        waitUntil(() -> window.imagePane().pointerProperty().get().contains("heat"), "the read-out under the mouse");
        String first = window.imagePane().pointerProperty().get();
        robot.interact(() -> window.imagePane().showLoading("Loading the next…"));
        assertEquals("", window.imagePane().pointerProperty().get(), "nothing of the previous image while the next loads");
        var before = window.shownProperty().get();
        robot.press(KeyCode.PAGE_DOWN).release(KeyCode.PAGE_DOWN);
        waitUntil(() -> window.shownProperty().get() != before && window.heatProperty().get() != null
                && window.heatProperty().get() == window.imagePane().placedForTests(), "the next image's map");
        waitUntil(() -> window.imagePane().pointerProperty().get().contains("heat"), "the read-out made again for the next image, the mouse unmoved");
        assertTrue(window.imagePane().pointerProperty().get().startsWith("("), first);
    }
}
