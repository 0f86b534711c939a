package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.imaging.PlacedMap;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Slider;
import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class ViewerWindowTest {
    static final Path SNAPSHOTS = Path.of("target/ui-snapshots");
    private final TestEngine engine = new TestEngine();
    private ViewerSettings settings;
    private ViewerWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        settings = new ViewerSettings("dev/gradcamviewer/test-" + UUID.randomUUID());
        try {
            System.setProperty("gradcam.reviews", Files.createTempDirectory("reviews").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        window = new ViewerWindow(stage, engine, settings);
        window.open(Fixtures.demoModel(), List.of(Fixtures.sample("phantom-01-pneumonia.png")));
    }

    @AfterEach
    void cleanUp() {
        settings.removeNode();
        engine.closeAll();
    }

    static void waitUntil(BooleanSupplier condition, String what) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (Exception e) {
            throw new AssertionError("timed out waiting until " + what, e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void waitForCam() {
        waitUntil(() -> window.heatProperty().get() != null && window.shownProperty().get() != null, "a CAM is shown");
    }

    static void snapshot(Node node, String name) throws Exception {
        Files.createDirectories(SNAPSHOTS);
        WritableImage img = WaitForAsyncUtils.asyncFx(() -> node.snapshot(null, null)).get(30, TimeUnit.SECONDS);
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", SNAPSHOTS.resolve(name).toFile());
    }

    private static int[] pixels(Image img) {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] p = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), p, 0, w);
        return p;
    }

    @Test
    void startsShowingTheSampleCamAtTheDefaultLayer(FxRobot robot) throws Exception {
        waitForCam();
        assertEquals("phantom-01-pneumonia.png", window.shownProperty().get().file().getFileName().toString());
        assertEquals("resnet_blocks.4", window.currentLayer());
        Image heat = window.imagePane().heatView().getImage();
        assertNotNull(heat);
        int[] p = pixels(heat);
        assertTrue(java.util.Arrays.stream(p).distinct().count() > 10, "the heat layer has colours");
        assertTrue(robot.lookup("#model-description").queryLabeled().getText().contains("NOT FOR CLINICAL USE"));
        assertEquals("Input 3x256x256: shorter side to 256, centre crop 256x256, bilinear; mean 0.5 0.5 0.5, std 0.5 0.5 0.5",
                robot.lookup("#model-preprocessing").queryLabeled().getText(), "the demo's preprocessing shown");
        assertEquals("resnet_blocks.4", window.layerPicker().treeView().getSelectionModel().getSelectedItem().getValue().path());
        snapshot(stage.getScene().getRoot(), "first-screen.png");
    }

    /** On a non-square image the region the model saw is outlined, explained on hover and in the status bar. */
    @Test
    void theRegionTheModelSawIsOutlinedOnANonSquareImage(FxRobot robot) throws Exception {
        waitForCam();
        assertNull(window.cropOutline(), "a square image: the model saw all of it");
        robot.interact(() -> window.openPaths(List.of(Fixtures.sample("phantom-04-normal-landscape.jpg"))));
        waitUntil(() -> window.shownProperty().get() != null
                && window.shownProperty().get().file().getFileName().toString().startsWith("phantom-04")
                && window.heatProperty().get() != null, "the landscape image's CAM");
        double[] outline = window.cropOutline();
        assertNotNull(outline, "the crop is outlined");
        // 1300x900: the shorter side resized to 256 makes it 369x256 (int(256 * 1300 / 900)); the centre
        // 256x256 from x = round(113 / 2) = 56 is, in the original, x = 56 * 1300 / 369, width 256 * 1300 / 369
        double sx = 1300.0 / 369;
        assertEquals(56 * sx, outline[0], 1e-6);
        assertEquals(0, outline[1], 1e-6);
        assertEquals(256 * sx, outline[2], 1e-6);
        assertEquals(900, outline[3], 1e-6);
        assertTrue(window.statusText().contains("The model saw only the outlined centre, 902\u00d7900 of 1300\u00d7900"), window.statusText());
        snapshot(stage.getScene().getRoot(), "crop-outline.png");
    }

    /** A greyed row never stays selected while the heat shows another layer; the layer stays selected across images. */
    @Test
    void aGreyedRowNeverLooksSelectedAndTheLayerStaysSelectedAcrossImages(FxRobot robot) throws Exception {
        waitForCam();
        robot.interact(() -> window.layerPicker().select("classifier.0")); // a 1x1 output: cannot be explained
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("resnet_blocks.4", window.layerPicker().treeView().getSelectionModel().getSelectedItem().getValue().path());
        assertEquals("resnet_blocks.4", window.currentLayer());
        assertTrue(window.statusText().contains("1x1"), window.statusText());
        robot.interact(() -> window.layerPicker().select("resnet_blocks.3"));
        waitUntil(() -> "resnet_blocks.3".equals(window.currentLayer()), "the chosen layer");
        robot.interact(() -> window.openPaths(List.of(Fixtures.sample("phantom-02-normal.png"))));
        waitUntil(() -> window.shownProperty().get() != null
                && window.shownProperty().get().file().getFileName().toString().startsWith("phantom-02")
                && window.heatProperty().get() != null, "the next image's CAM");
        var selected = window.layerPicker().treeView().getSelectionModel().getSelectedItem();
        assertEquals("resnet_blocks.3", selected.getValue().path());
        assertEquals("resnet_blocks.3", window.currentLayer());
    }

    /** Reading rooms are dark: the dark theme is the default, the light one a menu choice away and remembered. */
    @Test
    void theDarkThemeIsTheDefaultAndTheLightOneIsAMenuChoiceAway(FxRobot robot) throws Exception {
        waitForCam();
        assertTrue(stage.getScene().getStylesheets().get(0).endsWith("dark.css"), stage.getScene().getStylesheets().toString());
        javafx.scene.layout.Region panel = robot.lookup("#prediction-panel").queryAs(javafx.scene.layout.Region.class);
        snapshot(stage.getScene().getRoot(), "theme-dark.png");
        assertTrue(brightness(panel) < 0.35, "a dark panel: " + brightness(panel));
        robot.interact(() -> window.themeProperty().set(ViewerWindow.LIGHT));
        assertTrue(stage.getScene().getStylesheets().get(0).endsWith("light.css"));
        assertTrue(brightness(panel) > 0.7, "a light panel: " + brightness(panel));
        assertEquals(ViewerWindow.LIGHT, settings.get("theme", null));
        robot.interact(() -> window.themeProperty().set(ViewerWindow.DARK));
    }

    /** Mean brightness of the region as the window shows it (a node's own snapshot would be on white). */
    private double brightness(javafx.scene.layout.Region region) throws Exception {
        WritableImage img = WaitForAsyncUtils.asyncFx(() -> stage.getScene().getRoot().snapshot(null, null)).get(30, TimeUnit.SECONDS);
        javafx.geometry.Bounds b = WaitForAsyncUtils.asyncFx(() -> region.localToScene(region.getLayoutBounds())).get(30, TimeUnit.SECONDS);
        double sum = 0;
        int n = 0;
        for (int y = (int) b.getMinY(); y < Math.min(img.getHeight(), b.getMaxY()); y += 3) {
            for (int x = (int) b.getMinX(); x < Math.min(img.getWidth(), b.getMaxX()); x += 3) {
                javafx.scene.paint.Color c = img.getPixelReader().getColor(x, y);
                sum += c.getBrightness();
                n++;
            }
        }
        return sum / n;
    }

    /** About names the version, the engine's state and, for the demo model, that it is not for clinical use. */
    @Test
    void aboutShowsTheEngineStateAndTheDemosWarning(FxRobot robot) throws Exception {
        waitForCam();
        robot.interact(window::showAbout);
        javafx.scene.control.DialogPane about = robot.lookup("#about").queryAs(javafx.scene.control.DialogPane.class);
        String text = about.getHeaderText() + "\n" + about.getContentText();
        assertTrue(text.contains(dev.gradcamviewer.app.AppVersion.get()), text);
        assertTrue(text.contains("oneDNN"), text);
        assertTrue(text.contains("NOT FOR CLINICAL USE"), text);
        robot.interact(() -> ((Stage) about.getScene().getWindow()).close());
    }

    @Test
    void aMultiLabelModelListsEveryFindingWithItsOwnProbability(FxRobot robot) throws Exception {
        waitForCam();
        Path chex = Fixtures.dir().resolve("chex-logits").resolve("chex-logits.pt");
        robot.interact(() -> window.loadModel(chex));
        waitUntil(() -> robot.lookup("#prob-13").tryQuery().isPresent(), "all 14 findings are listed");
        int bold = 0;
        double sum = 0;
        for (int i = 0; i < 14; i++) {
            javafx.scene.layout.HBox row = robot.lookup("#prob-" + i).queryAs(javafx.scene.layout.HBox.class);
            javafx.scene.control.Label name = (javafx.scene.control.Label) row.getChildren().get(0);
            if (name.getStyle().contains("bold")) bold++;
            sum += ((javafx.scene.control.ProgressBar) row.getChildren().get(1)).getProgress();
        }
        assertTrue(bold > 1, "each finding at 0.5 or above is marked, not only the top one: " + bold);
        assertTrue(sum > 1.5, "per-label sigmoids, not a softmax: " + sum);
        snapshot(stage.getScene().getRoot(), "multi-label.png");
    }

    @Test
    void anotherLayerChangesTheHeatWithoutRunningTheModelAgain(FxRobot robot) throws Exception {
        waitForCam();
        int passes = engine.passes.get();
        int[] before = pixels(window.imagePane().heatView().getImage());
        PlacedMap old = window.heatProperty().get();
        robot.interact(() -> window.layerPicker().select("resnet_blocks.3"));
        waitUntil(() -> window.heatProperty().get() != old, "the new layer is drawn");
        assertEquals("resnet_blocks.3", window.currentLayer());
        assertFalse(java.util.Arrays.equals(before, pixels(window.imagePane().heatView().getImage())));
        assertEquals(passes, engine.passes.get(), "a layer change must not run the model");
        snapshot(stage.getScene().getRoot(), "layer-resnet_blocks.3.png");
    }

    @Test
    void alphaChangesOnlyTheOpacity(FxRobot robot) {
        waitForCam();
        Image heat = window.imagePane().heatView().getImage();
        int renders = window.renderCountProperty().get();
        int passes = engine.passes.get();
        Slider alpha = robot.lookup("#alpha").queryAs(Slider.class);
        robot.interact(() -> alpha.setValue(0.85));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0.85, window.imagePane().heatView().getOpacity(), 1e-9);
        assertSame(heat, window.imagePane().heatView().getImage());
        assertEquals(renders, window.renderCountProperty().get());
        assertEquals(passes, engine.passes.get());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aColormapChangeChangesTheHeatPixels(FxRobot robot) throws Exception {
        waitForCam();
        int passes = engine.passes.get();
        int[] before = pixels(window.imagePane().heatView().getImage());
        int renders = window.renderCountProperty().get();
        ComboBox<String> cm = robot.lookup("#colormap").queryAs(ComboBox.class);
        robot.interact(() -> cm.setValue("viridis"));
        waitUntil(() -> window.renderCountProperty().get() > renders, "the new colours are drawn");
        assertFalse(java.util.Arrays.equals(before, pixels(window.imagePane().heatView().getImage())));
        assertEquals(passes, engine.passes.get());
        snapshot(stage.getScene().getRoot(), "colormap-viridis.png");
    }

    private void drop(FxRobot robot, List<File> files) {
        robot.interact(() -> {
            Dragboard board = com.sun.javafx.scene.input.DragboardHelper.createDragboard(
                    com.sun.javafx.tk.Toolkit.getToolkit().createLocalClipboard());
            ClipboardContent content = new ClipboardContent();
            content.putFiles(files);
            board.setContent(content);
            Node target = stage.getScene().getRoot();
            DragEvent e = new DragEvent(DragEvent.DRAG_DROPPED, board, 100, 100, 100, 100, TransferMode.COPY, null, target, null);
            javafx.event.Event.fireEvent(target, e);
        });
    }

    @Test
    void droppingImagesOpensThemAndPageDownSteps(FxRobot robot) {
        waitForCam();
        drop(robot, List.of(Fixtures.sample("phantom-03-pneumonia-portrait.png").toFile(), Fixtures.sample("phantom-02-normal.png").toFile()));
        // the worklist sorts by name: phantom-02 comes first
        waitUntil(() -> window.shownProperty().get().file().getFileName().toString().equals("phantom-02-normal.png")
                && window.heatProperty().get() != null, "the dropped images are shown");
        assertEquals(2, window.worklist().items().size());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.PAGE_DOWN).release(javafx.scene.input.KeyCode.PAGE_DOWN));
        waitUntil(() -> window.shownProperty().get().file().getFileName().toString().equals("phantom-03-pneumonia-portrait.png"), "PgDn shows the next image");
    }

    @Test
    void droppingSomethingElseSaysSoAndKeepsTheImage(FxRobot robot) throws Exception {
        waitForCam();
        Path text = Files.createTempFile("notes", ".txt");
        Files.writeString(text, "not an image");
        var before = window.shownProperty().get();
        drop(robot, List.of(text.toFile()));
        waitUntil(() -> window.messageProperty().get().contains("Not an image"), "a message");
        assertSame(before, window.shownProperty().get());
        assertNotNull(window.heatProperty().get());
    }

    @Test
    void aBrokenModelKeepsTheOldOne(FxRobot robot) {
        waitForCam();
        var model = window.bundleProperty().get();
        drop(robot, List.of(Fixtures.bad("state-dict.pt").toFile()));
        waitUntil(() -> window.messageProperty().get().contains("pickled"), "the reason is shown");
        assertSame(model, window.bundleProperty().get());
        assertTrue(window.messageProperty().get().contains("previous model stays"));
    }

    @Test
    void theFxThreadStaysResponsiveWhileASlowModelComputes(FxRobot robot) throws Exception {
        waitForCam();
        engine.delayMillis = 3000;
        robot.interact(() -> window.openPaths(List.of(Fixtures.sample("phantom-02-normal.png"))));
        waitUntil(() -> engine.inFlight.get() > 0, "the slow pass started");
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            CompletableFuture<Boolean> answered = new CompletableFuture<>();
            Platform.runLater(() -> answered.complete(true));
            assertTrue(answered.get(1, TimeUnit.SECONDS));
            assertTrue(engine.inFlight.get() > 0 || (System.nanoTime() - start) > 0);
            Thread.sleep(100);
        }
        assertTrue(engine.inFlight.get() > 0, "the pass is still running while the FX thread answered");
        engine.delayMillis = 0;
        waitUntil(() -> window.shownProperty().get().file().getFileName().toString().equals("phantom-02-normal.png"), "the slow answer arrives");
    }

    @Test
    void aFastSequenceOfSwitchesEndsOnTheLastImage(FxRobot robot) {
        waitForCam();
        engine.delayMillis = 400;
        List<Path> list = List.of(Fixtures.sample("phantom-02-normal.png"), Fixtures.sample("phantom-07-normal.tif"),
                Fixtures.sample("phantom-08-pneumonia.bmp"), Fixtures.sample("phantom-10-pneumonia-small.jpg"));
        robot.interact(() -> window.openPaths(list));
        for (int i = 0; i < 3; i++) {
            robot.interact(() -> robot.press(javafx.scene.input.KeyCode.PAGE_DOWN).release(javafx.scene.input.KeyCode.PAGE_DOWN));
        }
        waitUntil(() -> engine.inFlight.get() == 0 && window.shownProperty().get().file().getFileName().toString()
                .equals("phantom-10-pneumonia-small.jpg") && window.heatProperty().get() != null, "the last image's CAM");
        WaitForAsyncUtils.sleep(1500, TimeUnit.MILLISECONDS);
        assertEquals("phantom-10-pneumonia-small.jpg", window.shownProperty().get().file().getFileName().toString());
        assertTrue(engine.passes.get() < 1 + 4 + 3, "superseded passes are dropped before they start: " + engine.passes.get());
        PlacedMap heat = window.heatProperty().get();
        assertEquals(300, window.shownProperty().get().image().width());
        assertTrue(heat.width() <= 300);
        // every pass but the one shown has had its native layers freed: replaced or dropped ones alike
        ExplainedImage current = window.shownProperty().get();
        waitUntil(() -> engine.answers.stream().filter(a -> a != current).allMatch(a -> a.pass().released()), "old passes released");
        assertFalse(current.pass().released());
        assertTrue(engine.answers.size() >= 2);
    }

    @Test
    void settingsAreRememberedBetweenRuns(FxRobot robot) throws Exception {
        waitForCam();
        robot.interact(() -> {
            robot.lookup("#alpha").queryAs(Slider.class).setValue(0.7);
            robot.lookup("#emphasis").queryAs(Slider.class).setValue(1.5);
            @SuppressWarnings("unchecked") ComboBox<String> cm = robot.lookup("#colormap").queryAs(ComboBox.class);
            cm.setValue("magma_r");
            window.saveSettingsNow();
        });
        CompletableFuture<double[]> restored = new CompletableFuture<>();
        robot.interact(() -> {
            Stage second = new Stage();
            ViewerWindow again = new ViewerWindow(second, engine, settings);
            second.show();
            second.getScene().getRoot().applyCss();
            second.getScene().getRoot().layout();
            Slider a = (Slider) second.getScene().lookup("#alpha");
            Slider e = (Slider) second.getScene().lookup("#emphasis");
            @SuppressWarnings("unchecked") ComboBox<String> c = (ComboBox<String>) second.getScene().lookup("#colormap");
            restored.complete(new double[] {a.getValue(), e.getValue(), c.getValue().equals("magma_r") ? 1 : 0});
            second.close();
            assertNotEquals(null, again);
        });
        double[] r = restored.get(10, TimeUnit.SECONDS);
        assertEquals(0.7, r[0], 1e-9);
        assertEquals(1.5, r[1], 1e-9);
        assertEquals(1, r[2]);
    }
    @Test
    void exportWritesTheFullResolutionOverlay(FxRobot robot) throws Exception {
        waitForCam();
        Path out = Files.createTempDirectory("export").resolve("overlay.png");
        robot.interact(() -> window.exportOverlay(out));
        waitUntil(() -> Files.exists(out), "the PNG is written");
        java.awt.image.BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(1024, img.getWidth());
        assertEquals(1024, img.getHeight());
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSaturatedOutputShowsANoticeInsteadOfAMap(FxRobot robot) throws Exception {
        waitForCam();
        robot.interact(() -> window.loadModel(Fixtures.bad("saturated.pt")));
        waitUntil(() -> window.bundleProperty().get().name().equals("saturated") && window.heatProperty().get() != null, "the saturated model's logit map");
        ComboBox<dev.gradcamviewer.model.Score> score = robot.lookup("#score").queryAs(ComboBox.class);
        robot.interact(() -> score.setValue(dev.gradcamviewer.model.Score.PROBABILITY));
        waitUntil(() -> window.notice().isVisible() && window.notice().getText().contains("saturated"), "the notice");
        assertEquals(null, window.heatProperty().get());
        assertEquals(null, window.imagePane().heatView().getImage());
        snapshot(stage.getScene().getRoot(), "saturated-notice.png");
    }

    @Test
    void keysFitAndShowActualPixelsAndHideTheHeat(FxRobot robot) {
        waitForCam();
        robot.interact(() -> window.imagePane().requestFocus());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.Z).release(javafx.scene.input.KeyCode.Z));
        assertEquals(1.0, window.imagePane().zoomProperty().get(), 1e-9);
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.F).release(javafx.scene.input.KeyCode.F));
        assertTrue(window.imagePane().zoomProperty().get() < 1.0);
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertFalse(window.imagePane().heatView().isVisible());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertTrue(window.imagePane().heatView().isVisible());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.SPACE));
        assertFalse(window.imagePane().heatView().isVisible());
        robot.interact(() -> robot.release(javafx.scene.input.KeyCode.SPACE));
        assertTrue(window.imagePane().heatView().isVisible());
        assertTrue(ViewerWindow.SHORTCUTS.contains("PgDn"));
    }
    /** A second window with settings of its own, opened by {@code opening}; checked, then closed and its settings removed. */
    private void inSecondWindow(FxRobot robot, java.util.function.Consumer<ViewerSettings> prepare,
                                java.util.function.BiConsumer<ViewerWindow, ViewerSettings> opening,
                                java.util.function.Consumer<ViewerWindow> check) throws Exception {
        waitForCam(); // the first window's work is done before this test's settings go
        ViewerSettings own = new ViewerSettings("dev/gradcamviewer/test-" + UUID.randomUUID());
        try {
            prepare.accept(own);
            CompletableFuture<ViewerWindow> opened = new CompletableFuture<>();
            robot.interact(() -> {
                ViewerWindow w = new ViewerWindow(new Stage(), engine, own);
                opening.accept(w, own);
                opened.complete(w);
            });
            ViewerWindow w = opened.get(10, TimeUnit.SECONDS);
            check.accept(w);
            robot.interact(() -> ((Stage) w.imagePane().getScene().getWindow()).close());
        } finally {
            own.removeNode();
        }
    }

    @Test
    void aRememberedModelThatIsGoneFallsBackToTheDemoWithANotice(FxRobot robot) throws Exception {
        inSecondWindow(robot, s -> s.put("model", "/nowhere/deleted-model.pt"), (w, s) -> ViewerApp.openFirstScreen(w, s, List.of()), w -> {
            waitUntil(() -> w.bundleProperty().get() != null, "a model");
            assertEquals(Fixtures.demoModel().toAbsolutePath().normalize(), w.bundleProperty().get().file().toAbsolutePath().normalize());
            assertTrue(w.messageProperty().get().contains("/nowhere/deleted-model.pt") && w.messageProperty().get().contains("demo"),
                    w.messageProperty().get());
        });
    }

    @Test
    void toolbarTogglesShowAndChangeHeatFitAndActualPixels(FxRobot robot) {
        waitForCam();
        javafx.scene.control.ToggleButton heat = robot.lookup("#heat-toggle").queryAs(javafx.scene.control.ToggleButton.class);
        javafx.scene.control.ToggleButton fit = robot.lookup("#fit-toggle").queryAs(javafx.scene.control.ToggleButton.class);
        javafx.scene.control.ToggleButton actual = robot.lookup("#actual-toggle").queryAs(javafx.scene.control.ToggleButton.class);
        assertTrue(heat.isSelected() && fit.isSelected() && !actual.isSelected());
        robot.clickOn(heat);
        assertFalse(window.imagePane().heatView().isVisible());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertTrue(heat.isSelected(), "the key and the toggle are one state");
        robot.clickOn(actual);
        assertEquals(1.0, window.imagePane().zoomProperty().get(), 1e-9);
        assertTrue(actual.isSelected() && !fit.isSelected());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.F).release(javafx.scene.input.KeyCode.F));
        assertTrue(fit.isSelected() && !actual.isSelected());
    }

    @Test
    void anEmptyWindowSaysWhatToDo(FxRobot robot) throws Exception {
        inSecondWindow(robot, s -> { }, (w, s) -> w.open(null, List.of()), w -> {
            javafx.scene.Node hint = w.imagePane().lookup("#empty-hint");
            assertTrue(hint.isVisible());
            assertTrue(((javafx.scene.control.Label) hint).getText().contains("Drop images or a folder here"));
        });
    }

    /** Sliders show their values, emphasis explains itself, the status bar names the label explained and says when the heat is hidden. */
    @Test
    void theDisplayPanelAndStatusBarSayWhatIsShown(FxRobot robot) {
        waitForCam();
        javafx.scene.control.Label opacity = robot.lookup("#alpha-value").queryAs(javafx.scene.control.Label.class);
        javafx.scene.control.Label emphasisValue = robot.lookup("#emphasis-value").queryAs(javafx.scene.control.Label.class);
        assertEquals("40 %", opacity.getText());
        assertTrue(emphasisValue.getText().startsWith("x^"), emphasisValue.getText());
        robot.interact(() -> ((javafx.scene.control.Slider) robot.lookup("#alpha").query()).setValue(0.7));
        assertEquals("70 %", opacity.getText());
        javafx.scene.control.Tooltip tip = javafx.scene.control.Tooltip.class.cast(
                robot.lookup("#emphasis").query().getProperties().get("javafx.scene.control.Tooltip"));
        assertTrue(tip != null && tip.getText().contains("power"), "emphasis explains itself");
        String label = window.bundleProperty().get().labels().get(window.shownProperty().get().pass().target());
        assertTrue(window.statusText().contains("for \u201c" + label + "\u201d"), window.statusText());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertTrue(window.statusText().contains("heat hidden"), window.statusText());
        assertTrue(window.statusText().contains("Grad-CAM of resnet_blocks.4"), "the CAM is still named: " + window.statusText());
        assertFalse(robot.lookup("#empty-hint").query().isVisible(), "an image is open");
    }

    /** After a click on the image, or with the focus on the layer tree or the method box, F Z H and Space still act; in a text field they are text. */
    @Test
    void imageKeysWorkWhereverTheFocusIsButNotWhileTyping(FxRobot robot) {
        waitForCam();
        robot.clickOn(window.imagePane());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertFalse(window.imagePane().heatView().isVisible(), "H after clicking the image");
        robot.interact(() -> window.layerPicker().treeView().requestFocus());
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertTrue(window.imagePane().heatView().isVisible(), "H with the tree focused");
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.Z).release(javafx.scene.input.KeyCode.Z));
        assertEquals(1.0, window.imagePane().zoomProperty().get(), 1e-9);
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.F).release(javafx.scene.input.KeyCode.F));
        assertTrue(window.imagePane().zoomProperty().get() < 1.0);
        javafx.scene.control.TextField filter = robot.lookup(n -> n instanceof javafx.scene.control.TextField).queryAs(javafx.scene.control.TextField.class);
        robot.interact(filter::requestFocus);
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.H).release(javafx.scene.input.KeyCode.H));
        assertTrue(window.imagePane().heatView().isVisible(), "H typed into a text field is text");
        assertEquals("h", filter.getText());
    }

    @Test
    void arrowKeysInTheTreeMoveThroughTappedLayersAndTheOverlayFollows(FxRobot robot) {
        waitForCam();
        int passes = engine.passes.get();
        PlacedMap four = window.heatProperty().get();
        robot.interact(() -> window.layerPicker().treeView().requestFocus());
        // the key goes where the focus is: wait until the tree has it (a busy machine takes its time)
        waitUntil(() -> window.layerPicker().treeView().isFocused(), "the layer tree focused");
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.UP).release(javafx.scene.input.KeyCode.UP));
        // the layer's map drawn, not only chosen (on a busy machine the block-4 map is still on screen a while)
        waitUntil(() -> "resnet_blocks.3".equals(window.currentLayer()) && window.heatProperty().get() != four, "the layer above");
        PlacedMap three = window.heatProperty().get();
        // below resnet_blocks.4 only untapped rows follow: the selection stays on a tapped layer
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.DOWN).release(javafx.scene.input.KeyCode.DOWN));
        waitUntil(() -> "resnet_blocks.4".equals(window.currentLayer()) && window.heatProperty().get() != three, "back to block 4");
        robot.interact(() -> robot.press(javafx.scene.input.KeyCode.DOWN).release(javafx.scene.input.KeyCode.DOWN));
        assertEquals("resnet_blocks.4", window.layerPicker().treeView().getSelectionModel().getSelectedItem().getValue().path());
        assertEquals(passes, engine.passes.get());
    }
}
