package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.cam.EigenSmooth;
import dev.gradcamviewer.cam.GradCam;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pytorch-grad-cam's eigen_smooth and aug_smooth in the viewer: ticked beside the method, applied
 * where they apply (greyed out elsewhere), named in the status bar, computed as the command line does.
 */
class SmoothingViewerTest extends ViewerTestBase {
    private static final String LAYER = "resnet_blocks.4";

    @Start
    void start(Stage stage) throws Exception { open(stage, List.of(Fixtures.sample("phantom-01-pneumonia.png"))); }

    @Test
    @SuppressWarnings("unchecked")
    void eigenSmoothRedrawsFromThePassAndAugSmoothRunsSixPasses(FxRobot robot) throws Exception {
        waitForCam();
        var ex = window.shownProperty().get();
        var plainHeat = window.heatProperty().get();
        int passes = engine.passes.get();
        CheckBox eigen = robot.lookup("#eigen-smooth").queryAs(CheckBox.class);
        CheckBox aug = robot.lookup("#aug-smooth").queryAs(CheckBox.class);
        ComboBox<CamMethod> method = robot.lookup("#method").queryAs(ComboBox.class);

        robot.interact(() -> eigen.setSelected(true));
        CamMethod eigenGradCam = CamMethods.byName("gradcam-eigensmooth").orElseThrow();
        waitUntil(() -> window.heatProperty().get() != plainHeat && ex.hasMap(LAYER, eigenGradCam), "the eigen-smoothed map");
        waitUntil(() -> window.statusText().contains("Grad-CAM (eigen-smooth) of " + LAYER), "named in the status bar");
        assertEquals(passes, engine.passes.get(), "eigen-smooth needs no pass of the model");
        CamMap expected = new EigenSmooth(new GradCam()).compute(ex.layer(LAYER));
        assertArrayEquals(expected.values(), ex.cam(LAYER, eigenGradCam).values(), 1e-6f, "as the command line computes it");

        // a method that does not weigh activations: eigen-smooth stays ticked but greyed out and is not applied
        robot.interact(() -> method.setValue(CamMethods.byName("eigencam").orElseThrow()));
        assertTrue(eigen.isDisabled());
        assertTrue(eigen.isSelected());
        waitUntil(() -> window.statusText().contains("Eigen-CAM of " + LAYER), "Eigen-CAM as it is");
        robot.interact(() -> method.setValue(CamMethods.byName("scorecam").orElseThrow()));
        assertTrue(aug.isDisabled(), "Score-CAM makes passes of its own");
        robot.interact(() -> method.setValue(CamMethods.byName("gradcam").orElseThrow()));
        assertFalse(eigen.isDisabled());

        var eigenHeat = window.heatProperty().get();
        robot.interact(() -> aug.setSelected(true));
        waitUntil(() -> window.statusText().contains("6 passes, the image mirrored and scaled"), "the six passes under way");
        CamMethod both = CamMethods.byName("gradcam-eigensmooth-augsmooth").orElseThrow();
        waitUntil(() -> ex.hasMap(LAYER, both) && window.heatProperty().get() != eigenHeat
                && window.statusText().contains("Grad-CAM (eigen-smooth) (aug-smooth) of " + LAYER), "the aug-smoothed map");
        snapshot(stage.getScene().getRoot(), "smoothing.png");

        // Compare's method grid: the ticked smoothing on every tile it applies to
        robot.interact(() -> aug.setSelected(false));
        int before = window.comparisonCountProperty().get();
        robot.interact(window::showComparison);
        robot.interact(() -> window.comparison().setMode(ComparisonView.METHODS));
        // the layers grid may be drawn first (showComparison), then the methods grid: wait for the latter
        waitUntil(() -> window.comparisonCountProperty().get() > before
                && window.comparison().tiles().stream().anyMatch(t -> t.methodId().equals("random")), "the methods grid");
        List<String> ids = window.comparison().tiles().stream().map(ComparisonView.TileSpec::methodId).toList();
        assertEquals(List.of("gradcam-eigensmooth", "gradcampp-eigensmooth", "xgradcam-eigensmooth", "layercam-eigensmooth",
                "hirescam-eigensmooth", "gradcamelementwise", "eigencam", "eigengradcam", "random"), ids.subList(0, 9));
    }
}
