package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import javafx.scene.Node;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class ComparisonTest {
    private final TestEngine engine = new TestEngine();
    private ViewerWindow window;
    private ViewerSettings settings;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        System.setProperty("gradcam.reviews", Files.createTempDirectory("reviews").toString());
        settings = new ViewerSettings("dev/gradcamviewer/test-" + UUID.randomUUID());
        window = new ViewerWindow(stage, engine, settings);
        window.open(Fixtures.demoModel(), List.of(Fixtures.root().resolve("models/samples")));
    }

    @AfterEach
    void cleanUp() {
        settings.removeNode();
        engine.closeAll();
    }

    private void openComparison(FxRobot robot) {
        waitUntil(() -> window.shownProperty().get() != null && window.heatProperty().get() != null, "the first CAM");
        int before = window.comparisonCountProperty().get();
        robot.interact(window::showComparison);
        waitUntil(() -> window.comparisonCountProperty().get() > before, "the comparison grid");
    }

    private static int[] heatPixels(Node tile) {
        ImageView heat = (ImageView) ((javafx.scene.Group) ((javafx.scene.layout.Pane) ((VBox) tile).getChildren().get(0)).getChildren().get(0))
                .getChildren().get(1);
        Image img = heat.getImage();
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] p = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), p, 0, w);
        return p;
    }

    @Test
    void blocksAreDistinctTilesFromOnePass(FxRobot robot) throws Exception {
        openComparison(robot);
        int passes = engine.passes.get();
        List<ComparisonView.TileSpec> tiles = window.comparison().tiles();
        assertEquals(List.of("resnet_blocks.0", "resnet_blocks.1", "resnet_blocks.2", "resnet_blocks.3", "resnet_blocks.4"),
                tiles.stream().map(ComparisonView.TileSpec::layer).toList());
        List<int[]> pixels = new ArrayList<>();
        for (Node tile : window.comparison().grid().getChildren()) pixels.add(heatPixels(tile));
        for (int i = 0; i < pixels.size(); i++) {
            for (int j = i + 1; j < pixels.size(); j++) assertFalse(Arrays.equals(pixels.get(i), pixels.get(j)), i + " vs " + j);
        }
        assertEquals(passes, engine.passes.get(), "the comparison must not run the model");
        snapshot(stage.getScene().getRoot(), "comparison-blocks.png");
        Path out = Files.createTempDirectory("grid").resolve("grid.png");
        robot.interact(() -> window.exportComparison(out));
        waitUntil(() -> Files.exists(out), "the grid PNG");
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(out.toFile());
        assertTrue(grid.getWidth() >= 2 * ComparisonView.TILE && grid.getHeight() >= 2 * ComparisonView.TILE, grid.getWidth() + "x" + grid.getHeight());
    }

    @Test
    void theFiveMethodsForOneLayer(FxRobot robot) throws Exception {
        openComparison(robot);
        int before = window.comparisonCountProperty().get();
        robot.interact(() -> window.comparison().setMode(ComparisonView.METHODS));
        waitUntil(() -> window.comparisonCountProperty().get() > before, "the methods grid");
        assertEquals(List.of("gradcam", "gradcampp", "xgradcam", "layercam", "hirescam"),
                window.comparison().tiles().stream().map(ComparisonView.TileSpec::methodId).toList());
        assertTrue(window.comparison().tiles().stream().allMatch(t -> t.layer().equals("resnet_blocks.4")));
        snapshot(stage.getScene().getRoot(), "comparison-methods.png");
    }

    @Test
    void clickingATileMakesItsLayerCurrent(FxRobot robot) {
        openComparison(robot);
        robot.clickOn("#tile-2");
        waitUntil(() -> "resnet_blocks.2".equals(window.currentLayer()), "the clicked layer is current");
        waitUntil(() -> window.heatProperty().get() != null, "its map in the main view");
        assertEquals("resnet_blocks.2", window.layerPicker().treeView().getSelectionModel().getSelectedItem().getValue().path());
        // a click asks for several renders, of which only the last answers: the busy indicator must still stop (idle is idle)
        waitUntil(() -> !window.busy(), "the status bar to show no work under way");
    }

    @Test
    void theComparisonFollowsTheWorklist(FxRobot robot) {
        openComparison(robot);
        String first = window.shownProperty().get().file().getFileName().toString();
        int before = window.comparisonCountProperty().get();
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.PAGE_DOWN).release(javafx.scene.input.KeyCode.PAGE_DOWN));
        waitUntil(() -> !window.shownProperty().get().file().getFileName().toString().equals(first)
                && window.comparisonCountProperty().get() > before, "the next image's grid");
        assertEquals(5, window.comparison().tiles().size());
    }
}
