package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.review.ReviewStore;
import dev.gradcamviewer.review.Verdict;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.image.Image;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * The viewer's window: the worklist on the left, the Image and Compare tabs in the centre, model /
 * prediction / layer / display panels on the right, a status bar below. This class puts the parts
 * together and wires them; what they do lives in them:
 * <ul>
 * <li>{@link ViewerState}: the state they share (model, worklist, current image, layer, label, what is on screen);</li>
 * <li>{@link ModelController}: opening a model; {@link WorklistController}: opening images, stepping, background predictions;</li>
 * <li>{@link CamPipeline}: the model pass, the map and the comparison grid, each on its own thread;</li>
 * <li>{@link ReviewController}: verdicts and notes; {@link Exports}: overlay and figure;</li>
 * <li>views: {@link ImagePane}, {@link ComparisonView}, {@link LayerPicker}, {@link DisplayControls},
 *     {@link PredictionPanel}, {@link WorklistPanel}, {@link StatusLine}, laid out by {@link ViewerLayout};
 *     {@link ViewerMenus} and {@link ViewerKeys} for menus and keys.</li>
 * </ul>
 * All model work goes through one engine thread and all pixel work through render threads; the FX
 * thread only shows answers that are still current.
 */
public final class ViewerWindow {
    private static final String TITLE = "Grad-CAM Viewer";

    private final Stage stage;
    private final CamEngine engine;
    private final ViewerSettings settings;
    private final ExecutorService engineThread = LatestOnly.thread("cam-engine");

    private final ImagePane imagePane = new ImagePane();
    private final ModelPanel modelPanel = new ModelPanel();
    private final PredictionPanel predictionPanel = new PredictionPanel();
    private final LayerPicker layerPicker = new LayerPicker();
    private final Label notice = new Label();
    private final Label imageLabel = new Label();
    private final Label zoomLabel = new Label();
    private final Label pointerLabel = new Label();
    private final Label timingLabel = new Label();
    private final Label windowLabel = new Label();
    private final Label faithfulnessLabel = new Label();
    private final SplitPane split = new SplitPane();
    private final WorklistPanel worklist = new WorklistPanel();
    private final ComparisonView comparison = new ComparisonView();
    private final javafx.scene.control.TabPane centreTabs = new javafx.scene.control.TabPane();
    private final javafx.scene.control.Tab imageTab = new javafx.scene.control.Tab("Image");
    private final javafx.scene.control.Tab compareTab = new javafx.scene.control.Tab("Compare");
    private final javafx.scene.control.Tab atlasTabPane = new javafx.scene.control.Tab("Atlas");
    private final dev.gradcamviewer.ui.atlas.AtlasView atlas = new dev.gradcamviewer.ui.atlas.AtlasView();

    private final javafx.beans.property.StringProperty theme = new javafx.beans.property.SimpleStringProperty();
    private final StatusLine status;
    private final ViewerState state = new ViewerState();
    private final CamPipeline pipeline;
    private final DisplayControls display;
    private final Exports exports;
    private final ReviewController review;
    private final WorklistController worklistControl;
    private final ModelController models;
    private final AtlasTabController atlasTab;

    public ViewerWindow(Stage stage, CamEngine engine, ViewerSettings settings) {
        this.stage = stage;
        this.engine = engine;
        this.settings = settings;
        this.status = new StatusLine(stage, TITLE, faithfulnessLabel, windowLabel, zoomLabel, pointerLabel, timingLabel);
        faithfulnessLabel.setId("faithfulness-label");
        faithfulnessLabel.setOnMouseClicked(e -> showFaithfulnessCurves());
        this.display = new DisplayControls(settings);
        this.pipeline = new CamPipeline(state, engine, engineThread, display, new CamPipeline.Views(imagePane, predictionPanel,
                comparison, notice, imageLabel, timingLabel, faithfulnessLabel, () -> centreTabs.getSelectionModel().getSelectedItem() == compareTab), status);
        this.exports = new Exports(pipeline.renderThread(), status, this::onScreen);
        this.review = new ReviewController(stage, worklist, status,
                new ReviewController.Window(state::currentItem, state.work::values, this::verdictReady, this::onScreen, this::showItem));
        this.worklistControl = new WorklistController(state, worklist, review, engine, engineThread, status, pipeline::runPass);
        this.models = new ModelController(state, engine, engineThread, new ModelController.Views(modelPanel, predictionPanel, layerPicker,
                comparison, notice), status, settings, () -> {
                    pipeline.runPass();
                    worklistControl.modelChanged();
                });
        this.atlasTab = new AtlasTabController(state, atlas, status, imagePane, display, layerPicker, engineThread, new AtlasTabController.Window(
                stage, this::lastFolder, this::showItem, this::openPaths, () -> centreTabs.getSelectionModel().select(atlasTabPane),
                () -> centreTabs.getSelectionModel().select(imageTab), pipeline::render));
        theme.set(LIGHT.equals(settings.get("theme", DARK)) ? LIGHT : DARK);
        build();
    }

    // ------------------------------------------------------------------ layout

    private void build() {
        imagePane.alphaProperty().bind(display.alpha.valueProperty());
        ScrollPane rightScroll = ViewerLayout.rightPanel(modelPanel, predictionPanel, notice, layerPicker, display);
        ViewerLayout.tabs(centreTabs, imageTab, compareTab, atlasTabPane, imagePane, imageLabel, comparison, atlas,
                WindowingControls.toolbar(state.window, imagePane.annotationsShownProperty()));
        imagePane.onWindowDrag(state.window::drag);
        centreTabs.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b == compareTab) pipeline.renderComparison();
        });
        comparison.setOnChange(pipeline::renderComparison);
        comparison.setOnTileChosen(t -> {
            CamMethods.byName(t.methodId()).map(CamMethods::unsmoothed).ifPresent(display.method::setValue);
            state.layer = t.layer();
            layerPicker.select(t.layer());
            centreTabs.getSelectionModel().select(imageTab);
            pipeline.render();
        });
        comparison.setOnExport(this::exportComparison);
        split.getItems().setAll(worklist, centreTabs, rightScroll);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(settings.getDouble("divider0", 0.22), settings.getDouble("divider1", 0.74));
        SplitPane.setResizableWithParent(rightScroll, false);
        SplitPane.setResizableWithParent(worklist, false);
        status.say("Ready");
        zoomLabel.textProperty().bind(imagePane.zoomProperty().multiply(100).asString("zoom %.0f %%"));
        pointerLabel.textProperty().bind(imagePane.pointerProperty());
        windowLabel.setId("window-label");
        windowLabel.textProperty().bind(state.window.textProperty());

        BorderPane root = new BorderPane(split);
        root.setTop(menus());
        root.setBottom(status.node());
        root.setId("viewer-root");
        Scene scene = ViewerLayout.scene(stage, settings, root, TITLE);
        ViewerMenus.applyTheme(scene, theme.get());
        theme.addListener((o, a, b) -> {
            ViewerMenus.applyTheme(scene, b);
            settings.put("theme", b);
        });
        scene.setOnDragOver(this::dragOver);
        scene.setOnDragDropped(this::dropped);
        ViewerKeys.install(scene, imagePane, new ViewerKeys.Actions(worklistControl::step, this::giveVerdict, review::editNote, () -> {
            if (centreTabs.getSelectionModel().getSelectedItem() == compareTab) comparison.fitAll();
            else imagePane.fit();
        }, imagePane::oneToOne, imagePane::toggleHeat, imagePane::holdHeatHidden, state.window::toggleInvert, state.window::reset,
                () -> imagePane.annotationsShownProperty().set(!imagePane.annotationsShownProperty().get())));

        imagePane.heatShownProperty().addListener((o, was, now) -> showMapStatus());
        layerPicker.setOnLayerChosen(path -> {
            state.layer = path;
            pipeline.render();
            if (comparison.methodsMode()) pipeline.renderComparison();
        });
        layerPicker.setOnUntappedChosen(reason -> status.say("This layer cannot be explained: " + reason));
        predictionPanel.setOnTargetChosen(t -> {
            state.target = t;
            pipeline.runPass();
        });
        display.method.valueProperty().addListener((o, a, b) -> {
            pipeline.render();
            pipeline.renderComparison();
        });
        for (var smoothing : List.of(display.eigenSmooth, display.augSmooth)) {
            smoothing.selectedProperty().addListener((o, a, b) -> {
                pipeline.render();
                pipeline.renderComparison();
            });
        }
        display.placement.valueProperty().addListener((o, a, b) -> {
            pipeline.render();
            pipeline.renderComparison();
        });
        display.colormap.valueProperty().addListener((o, a, b) -> pipeline.recolour());
        display.emphasis.valueProperty().addListener((o, a, b) -> {
            if (!display.emphasis.isValueChanging()) pipeline.recolour();
        });
        display.emphasis.valueChangingProperty().addListener((o, a, changing) -> {
            if (!changing) pipeline.recolour();
        });
        display.score.valueProperty().addListener((o, a, b) -> pipeline.runPass());
        display.fade.valueProperty().addListener((o, a, b) -> pipeline.recolour());
        display.threshold.valueProperty().addListener((o, a, b) -> {
            if (!display.threshold.isValueChanging()) pipeline.recolour();
        });
        display.threshold.valueChangingProperty().addListener((o, a, changing) -> {
            if (!changing) pipeline.recolour();
        });
        stage.setOnCloseRequest(e -> saveSettings());
        stage.setOnHidden(e -> models.release());
        pipeline.recolour();
    }

    /** A combo box of named values with an id, a first value and an optional explanation on hover. */
    private MenuBar menus() {
        return ViewerMenus.bar(stage, new ViewerMenus.Actions(
                this::openPaths, this::loadModel, this::exportOverlay, this::copyOverlay,
                () -> chooseSaveFile("Export verdicts as CSV", "verdicts.csv").ifPresent(this::exportVerdicts),
                () -> {
                    saveSettings();
                    stage.close();
                }, this::lastFolder, this::showAbout), imagePane.cropShownProperty(), theme,
                WindowingControls.menu(state.window, imagePane.annotationsShownProperty(), () -> pipeline.runPass(true)));
    }

    static final String DARK = ViewerMenus.DARK;
    static final String LIGHT = ViewerMenus.LIGHT;
    static final String SHORTCUTS = ViewerMenus.SHORTCUTS;

    /** The theme in use: "dark" (the default: reading rooms are dark) or "light". */
    javafx.beans.property.StringProperty themeProperty() { return theme; }

    void showAbout() { ViewerMenus.showAbout(stage, TITLE, state.bundle.get()); }

    // ------------------------------------------------------------------ opening things

    /** Shows the window, loads a model and opens images (both optional). */
    public void open(Path model, List<Path> initialImages) {
        stage.show();
        StartupTiming.mark("window shown");
        if (model != null) loadModel(model);
        if (initialImages != null && !initialImages.isEmpty()) openPaths(initialImages);
    }

    public void loadModel(Path path) { models.load(path); }

    /** Files and folders: images become the list to step through; a .pt file loads as the model. */
    public void openPaths(List<Path> paths) {
        List<Path> models = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Path p : paths) {
            String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (Files.isRegularFile(p) && (n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".ts"))) models.add(p);
            else if (Files.isDirectory(p) || ImageDecoder.looksLikeImage(p)) candidates.add(p);
            else refused.add(p.getFileName() == null ? p.toString() : p.getFileName().toString());
        }
        if (!refused.isEmpty()) status.fail("Not an image or model: " + String.join(", ", refused) + " (" + ImageDecoder.FORMATS + ", or a .pt model bundle)");
        if (!models.isEmpty()) loadModel(models.get(0));
        if (candidates.isEmpty()) return;
        Path folder = worklistControl.open(candidates);
        StartupTiming.mark("worklist filled");
        if (folder != null) settings.put("lastFolder", folder.toAbsolutePath().toString());
    }

    /** Makes an atlas of the worklist into {@code out} in the background, then opens it. */
    public void makeAtlas(Path out) { atlasTab.make(out); }

    /** For tests: whether an atlas is being made. */
    boolean makingAtlas() { return atlasTab.making(); }

    /** Opens an atlas folder in the Atlas tab (a folder that is not one is refused in the status bar). */
    public void openAtlas(Path dir) { atlasTab.open(dir); }

    /** For tests: whether the open atlas's mask of the shown image is tinted. */
    boolean truthMaskShown() { return imagePane.truthMaskShown(); }

    /** For tests: the ground-truth boxes drawn on the Image tab. */
    int truthBoxCount() { return imagePane.truthBoxCount(); }

    /** For tests: the Atlas tab. */
    dev.gradcamviewer.ui.atlas.AtlasView atlasView() { return atlas; }

    String onScreenMethodForTests() { return display.chosen().id(); }

    boolean imageTabShown() { return centreTabs.getSelectionModel().getSelectedItem() == imageTab; }

    // ------------------------------------------------------------------ review

    /** Records the verdict for the shown image (see {@link ReviewController#giveVerdict}). */
    public void giveVerdict(Verdict verdict) { review.giveVerdict(verdict); }

    /** Sets the shown image's note (saved at once, with its verdict if it has one). */
    public void setNote(String note) { review.setNote(note); }

    public void exportVerdicts(Path target) { review.exportVerdicts(target); }

    /** For the review controller, made before the worklist controller it leads to. */
    private void showItem(WorkItem item) { worklistControl.show(item); }

    private java.util.Optional<File> lastFolder() {
        String f = settings.get("lastFolder", null);
        return f == null ? java.util.Optional.empty() : java.util.Optional.of(new File(f)).filter(File::isDirectory);
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY_OR_MOVE);
        e.consume();
    }

    private void dropped(DragEvent e) {
        boolean ok = e.getDragboard().hasFiles();
        if (ok) openPaths(e.getDragboard().getFiles().stream().map(File::toPath).toList());
        e.setDropCompleted(ok);
        e.consume();
    }

    // ------------------------------------------------------------------ work

    private void exportComparison() {
        chooseSaveFile("Export the comparison as a PNG figure", "comparison.png").ifPresent(this::exportComparison);
    }

    /** A save dialog starting in the last folder; empty if the user cancels. */
    private java.util.Optional<Path> chooseSaveFile(String title, String initialName) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.setInitialFileName(initialName);
        lastFolder().ifPresent(fc::setInitialDirectory);
        return java.util.Optional.ofNullable(fc.showSaveDialog(stage)).map(File::toPath);
    }

    /** Writes the comparison as a figure (see {@link Exports#figure}). */
    public void exportComparison(Path target) { exports.figure(target); }

    private void exportOverlay() {
        String name = exports.overlayName();
        if (name == null) {
            status.fail("There is no overlay to export yet.");
            return;
        }
        chooseSaveFile("Export overlay as PNG", name).ifPresent(this::exportOverlay);
    }

    /** Writes the full-resolution overlay (whole or not at all). */
    public void exportOverlay(Path target) { exports.overlay(target); }

    private void copyOverlay() { exports.copyOverlay(); }

    /** What is on screen, for exports. */
    private OnScreen onScreen() {
        return new OnScreen(state.shown.get(), state.heat.get(), state.bundle.get(), state.colours, display.alpha.getValue(), state.layer, display.chosen(),
                display.placement.getValue(), comparison.methodsMode(), List.copyOf(comparison.tiles()),
                state.window.voi.get(), state.window.invert.get(), state.explainedAsDisplayed, List.copyOf(comparison.shownTiles()));
    }

    // ------------------------------------------------------------------ status

    /** For tests: the status bar's text. */
    String statusText() { return status.text(); }

    /** For tests: whether the status bar shows work under way. */
    boolean busy() { return status.anyBusy(); }

    private void showMapStatus() { status.showMapStatus(imagePane.heatShownProperty().get()); }

    /** Tells the user something that is not a failure (status bar and a notification). */
    void tell(String text) { status.inform(text); }

    private void saveSettings() {
        settings.putDouble("width", stage.getWidth());
        settings.putDouble("height", stage.getHeight());
        settings.putDouble("x", stage.getX());
        settings.putDouble("y", stage.getY());
        double[] dividers = split.getDividerPositions();
        if (dividers.length == 2) {
            settings.putDouble("divider0", dividers[0]);
            settings.putDouble("divider1", dividers[1]);
        }
        display.save(settings);
        settings.flush();
    }

    // ------------------------------------------------------------------ for tests and the app

    public ReadOnlyObjectProperty<ModelBundle> bundleProperty() { return state.bundle; }

    public ReadOnlyObjectProperty<ExplainedImage> shownProperty() { return state.shown; }

    /** Whether the current image's picture, prediction and map are all on screen, so a verdict may be given. */
    boolean verdictReady() {
        WorkItem item = state.currentItem();
        ExplainedImage ex = state.shown.get();
        return item != null && ex != null && ex.file().equals(item.file) && pipeline.settled();
    }

    /** For tests: the crop outline (image pixels: x, y, width, height), null when none is drawn. */
    double[] cropOutline() { return imagePane.cropOutline(); }

    /** For tests: the image pane's loading text (empty when it shows an image). */
    String loadingText() { return imagePane.loadingProperty().get(); }

    public ReadOnlyObjectProperty<PlacedMap> heatProperty() { return state.heat; }

    public ReadOnlyStringProperty messageProperty() { return status.messageProperty(); }

    public ReadOnlyIntegerProperty renderCountProperty() { return state.renderCount; }

    public String currentLayer() { return state.layer; }

    ImagePane imagePane() { return imagePane; }

    GrayWindow grayWindow() { return state.window; }

    /** The shown map's deletion and insertion curves beside the random map's (a click on the scores). */
    void showFaithfulnessCurves() {
        if (state.faithfulness != null) FaithfulnessPlot.show(stage, state.faithfulness[0], state.faithfulness[1], state.faithfulnessOf);
    }

    /** "Explain as displayed", as the Image menu does it. */
    void explainAsDisplayed() { pipeline.runPass(true); }

    LayerPicker layerPicker() { return layerPicker; }

    WorklistPanel worklist() { return worklist; }

    ComparisonView comparison() { return comparison; }

    void showComparison() { centreTabs.getSelectionModel().select(compareTab); }

    ReadOnlyIntegerProperty comparisonCountProperty() { return state.comparisonCount; }

    ReviewStore reviews() { return review.store(); }

    Label notice() { return notice; }

    public void saveSettingsNow() { saveSettings(); }
}
