package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import javafx.scene.Node;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.layout.VBox;
import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest extends ViewerTestBase {

    @Start
    void start(Stage stage) throws Exception { open(stage, List.of(Fixtures.root().resolve("models/samples"))); }

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
    }

    /** The exported figure: every tile whole (not what the screen shows), a header and a colour bar. */
    @Test
    void theExportedFigureHasEveryTileWholeWithHeaderAndColourBar(FxRobot robot) throws Exception {
        openComparison(robot);
        // a zoomed and panned grid on screen must not change the figure
        robot.interact(() -> window.comparison().fitAll());
        // the article's solid heat, so that every tile's colour can be counted (Fade, the viewer's default, leaves weak evidence clear)
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<dev.gradcamviewer.imaging.HeatColorizer.Fade> fade = robot.lookup("#fade").queryAs(javafx.scene.control.ComboBox.class);
        robot.interact(() -> fade.setValue(dev.gradcamviewer.imaging.HeatColorizer.Fade.SOLID));
        Path out = Files.createDirectories(ViewerWindowTest.SNAPSHOTS).resolve("comparison-figure.png");
        Files.deleteIfExists(out);
        robot.interact(() -> window.exportComparison(out));
        waitUntil(() -> Files.exists(out), "the figure PNG");
        java.awt.image.BufferedImage fig = javax.imageio.ImageIO.read(out.toFile());
        // five tiles: three columns of 400 px, two rows, with margins, header and colour bar
        assertEquals(2 * 16 + 3 * 400 + 2 * 12, fig.getWidth());
        int headerBottom = 16 + 3 * 20 + 12;
        assertTrue(countDark(fig, 0, 16, fig.getWidth(), headerBottom) > 200, "header text");
        for (int i = 0; i < 5; i++) {
            int x0 = 16 + (i % 3) * (400 + 12);
            int y0 = headerBottom + (i / 3) * (400 + 40 + 12);
            assertTrue(countColoured(fig, x0, y0, x0 + 400, y0 + 400) > 20000, "tile " + i + " shows its heat");
            assertTrue(countDark(fig, x0, y0 + 400, x0 + 400, y0 + 420) > 30, "tile " + i + " has its label");
        }
        int barY = headerBottom + 2 * (400 + 40 + 12);
        int left = fig.getRGB(16 + 2, barY + 7);
        int right = fig.getRGB(16 + 357, barY + 7);
        assertTrue((left & 0xff) > 100 && ((left >> 16) & 0xff) < 60, "the bar starts blue: " + Integer.toHexString(left));
        assertTrue(((right >> 16) & 0xff) > 100 && (right & 0xff) < 60, "the bar ends red: " + Integer.toHexString(right));
    }

    private static int countDark(java.awt.image.BufferedImage img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < Math.min(y1, img.getHeight()); y++) {
            for (int x = x0; x < Math.min(x1, img.getWidth()); x++) if ((img.getRGB(x, y) & 0xff) < 100 && ((img.getRGB(x, y) >> 8) & 0xff) < 100) n++;
        }
        return n;
    }

    private static int countColoured(java.awt.image.BufferedImage img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) n++;
            }
        }
        return n;
    }

    /** Tiles fit the visible area; the wheel scrolls, Ctrl+wheel zooms, F fits all again. */
    @Test
    void tilesFitTheViewTheWheelScrollsAndFFitsAll(FxRobot robot) throws Exception {
        openComparison(robot);
        javafx.geometry.Bounds view = window.comparison().scrollPane().localToScene(window.comparison().scrollPane().getLayoutBounds());
        for (Node tile : window.comparison().grid().getChildren()) {
            javafx.geometry.Bounds b = tile.localToScene(tile.getLayoutBounds());
            assertTrue(b.getMaxX() <= view.getMaxX() + 1 && b.getMaxY() <= view.getMaxY() + 1,
                    tile.getId() + " at " + b + " is outside the visible area " + view);
        }
        assertTrue(window.comparison().tileSize() >= ComparisonView.MIN_TILE);
        robot.moveTo("#tile-1");
        robot.scroll(3, javafx.geometry.VerticalDirection.UP);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1.0, window.comparison().zoom(), 1e-9, "the plain wheel does not zoom");
        robot.press(javafx.scene.input.KeyCode.CONTROL);
        robot.scroll(2, javafx.geometry.VerticalDirection.UP);
        robot.release(javafx.scene.input.KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(Math.abs(window.comparison().zoom() - 1) > 0.2, "Ctrl+wheel zooms: " + window.comparison().zoom());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.F).release(javafx.scene.input.KeyCode.F));
        assertEquals(1.0, window.comparison().zoom(), 1e-9, "F fits all tiles again");
        snapshot(stage.getScene().getRoot(), "comparison-fitted.png");
    }

    @Test
    void theFiveMethodsForOneLayer(FxRobot robot) throws Exception {
        openComparison(robot);
        int before = window.comparisonCountProperty().get();
        robot.interact(() -> window.comparison().setMode(ComparisonView.METHODS));
        waitUntil(() -> window.comparisonCountProperty().get() > before, "the methods grid");
        assertEquals(List.of("gradcam", "gradcampp", "xgradcam", "layercam", "hirescam", "gradcamelementwise", "eigencam",
                        "eigengradcam", "random"),
                window.comparison().tiles().stream().map(ComparisonView.TileSpec::methodId).toList());
        assertTrue(window.comparison().tiles().stream().allMatch(t -> t.layer().equals("resnet_blocks.4")));
        snapshot(stage.getScene().getRoot(), "comparison-methods.png");
    }

    @Test
    void everyTileGetsItsFaithfulnessBesideRandomsAndSortingPutsTheBestFirst(FxRobot robot) throws Exception {
        openComparison(robot);
        int before = window.comparisonCountProperty().get();
        robot.interact(() -> window.comparison().setMode(ComparisonView.METHODS));
        waitUntil(() -> window.comparisonCountProperty().get() > before, "the methods grid");
        // Score-CAM's and Ablation-CAM's tiles join once their passes are done, after the others are scored;
        // sorted and read in one go on the FX thread (one consistent grid), until all eleven are scored
        java.util.concurrent.atomic.AtomicReference<List<String>> orderRef = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<List<String>> labelsRef = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<List<String>> textsRef = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<List<String>> methodsRef = new java.util.concurrent.atomic.AtomicReference<>();
        String image = null;
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (true) {
            robot.interact(() -> {
                window.comparison().sortProperty().set(ComparisonView.BY_DELETION);
                orderRef.set(window.comparison().shownOrder());
                labelsRef.set(window.comparison().tiles().stream().map(ComparisonView.TileSpec::label).toList());
                methodsRef.set(window.comparison().tiles().stream().map(ComparisonView.TileSpec::methodId).toList());
                textsRef.set(window.comparison().scoreTexts());
            });
            image = robot.lookup("#faithfulness-label").queryLabeled().getText();
            if (labelsRef.get().size() == 11 && textsRef.get().stream().allMatch(t -> t.contains("deletion")) && image.startsWith("deletion")) break;
            if (System.nanoTime() > deadline) throw new AssertionError("every method's tile with its scores: " + textsRef.get());
            Thread.sleep(500);
        }
        assertEquals(List.of("scorecam", "ablationcam"), methodsRef.get().subList(9, 11));
        assertTrue(image.matches("deletion \\d\\.\\d\\d \\(random \\d\\.\\d\\d\\) \u00b7 insertion .*"), image);
        List<String> texts = textsRef.get();
        assertEquals(1, texts.stream().filter(t -> t.startsWith("\u2605 best")).count(), texts.toString());
        // the random tile's own scores are the random baseline's
        String random = texts.get(8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("deletion (\\S+) \u00b7 insertion \\S+ \\(random (\\S+) ").matcher(random);
        assertTrue(m.find(), random);
        assertEquals(m.group(1), m.group(2));
        List<String> order = orderRef.get();
        List<Double> deletions = new java.util.ArrayList<>();
        for (String label : order) {
            String text = textsRef.get().get(labelsRef.get().indexOf(label));
            java.util.regex.Matcher d = java.util.regex.Pattern.compile("deletion (\\S+)").matcher(text);
            assertTrue(d.find(), label + " in " + order + ": " + textsRef.get());
            deletions.add(Double.parseDouble(d.group(1)));
        }
        List<Double> sorted = new java.util.ArrayList<>(deletions);
        java.util.Collections.sort(sorted);
        assertEquals(sorted, deletions, "tiles by how much better than random at deletion; with one baseline, lowest deletion first: " + order);
        assertTrue(textsRef.get().get(labelsRef.get().indexOf(order.get(0))).startsWith("\u2605 best"), "the first tile is the starred one");
        assertTrue(deletions.get(0) < Double.parseDouble(m.group(2)), "on the pneumonia phantom some method beats random");
        java.util.Set<String> baselines = new java.util.HashSet<>();
        for (String t : texts) {
            java.util.regex.Matcher r = java.util.regex.Pattern.compile("\\(random (\\S+) ").matcher(t);
            assertTrue(r.find(), t);
            baselines.add(r.group(1));
        }
        assertEquals(1, baselines.size(), "one random baseline for every tile of the image: " + texts);
        snapshot(stage.getScene().getRoot(), "comparison-methods-scored.png");

        waitUntil(() -> robot.lookup("#faithfulness-label").queryLabeled().getText().startsWith("deletion"), "the shown map's scores");
        waitUntil(() -> robot.lookup("#faithfulness-label").queryLabeled().getText().matches(".* \u00b7 ROAD [+-]\\d\\.\\d\\d \\([+-]\\d\\.\\d\\d\\)"),
                "ROAD of the shown map beside the random map's, after deletion and insertion");
        robot.interact(window::showFaithfulnessCurves);
        javafx.scene.chart.LineChart<?, ?> chart = robot.lookup("#faithfulness-chart").queryAs(javafx.scene.chart.LineChart.class);
        assertEquals(4, chart.getData().size(), "deletion and insertion, of the map and of the random map");
        assertTrue(chart.getData().stream().allMatch(series -> series.getData().size() == 33));
        snapshot(chart.getScene().getRoot(), "faithfulness-curves.png"); // the dialog as shown, its theme behind the axis labels
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
