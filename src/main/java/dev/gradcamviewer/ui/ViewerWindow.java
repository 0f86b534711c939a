package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.OverlayComposer;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.review.ReviewStore;
import dev.gradcamviewer.review.Verdict;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TitledPane;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
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
 * The viewer's window: image pane in the centre, model / prediction / layer / display controls on
 * the right, a status bar below. All model work goes through one engine thread and all pixel work
 * through one render thread; the FX thread only shows answers that are still current.
 */
public final class ViewerWindow {
    private static final String TITLE = "Grad-CAM Viewer";

    private final Stage stage;
    private final CamEngine engine;
    private final ViewerSettings settings;
    private final ExecutorService engineThread = LatestOnly.thread("cam-engine");
    private final ExecutorService renderThread = LatestOnly.thread("cam-render");
    private final LatestOnly modelLoads = new LatestOnly(engineThread);
    private final LatestOnly passes = new LatestOnly(engineThread);
    private final LatestOnly renders = new LatestOnly(renderThread);

    private final ImagePane imagePane = new ImagePane();
    private final ModelPanel modelPanel = new ModelPanel();
    private final PredictionPanel predictionPanel = new PredictionPanel();
    private final LayerPicker layerPicker = new LayerPicker();
    private final Label notice = new Label();
    private final Label imageLabel = new Label();
    private final Label zoomLabel = new Label();
    private final Label pointerLabel = new Label();
    private final Label timingLabel = new Label();
    private final SplitPane split = new SplitPane();
    private final WorklistPanel worklist = new WorklistPanel();
    private final ComparisonView comparison = new ComparisonView();
    private final javafx.scene.control.TabPane centreTabs = new javafx.scene.control.TabPane();
    private final javafx.scene.control.Tab imageTab = new javafx.scene.control.Tab("Image");
    private final javafx.scene.control.Tab compareTab = new javafx.scene.control.Tab("Compare");
    private final ExecutorService compareThread = LatestOnly.thread("cam-compare");
    private final LatestOnly compareRenders = new LatestOnly(compareThread);
    private final SimpleIntegerProperty comparisonCount = new SimpleIntegerProperty();
    private Image shownImage;
    private final LatestOnly predictions = new LatestOnly(engineThread);
    private volatile boolean predicting;

    private final SimpleObjectProperty<ModelBundle> bundle = new SimpleObjectProperty<>();
    private final SimpleObjectProperty<ExplainedImage> shown = new SimpleObjectProperty<>();
    private final SimpleObjectProperty<PlacedMap> shownHeat = new SimpleObjectProperty<>();
    private final SimpleIntegerProperty renderCount = new SimpleIntegerProperty();
    private final javafx.beans.property.StringProperty theme = new javafx.beans.property.SimpleStringProperty();
    /** True once the shown image's picture, prediction and map (or the reason there is none) are all on screen. */
    private boolean displayComplete;
    private final List<Path> images = new ArrayList<>();
    private final java.util.Map<Path, WorkItem> work = new java.util.HashMap<>();
    private int index = -1;
    private String layer;
    private int target = -1;
    private HeatColorizer colours;
    private final StatusLine status;
    private final DisplayControls display;
    private final ComboBox<CamMethod> method;
    private final Slider alpha;
    private final ComboBox<String> colormap;
    private final Slider emphasis;
    private final ImageView colourBar;
    private final ComboBox<Score> score;
    private final ComboBox<Placement> placement;
    private final Exports exports;
    private final ReviewController review;

    public ViewerWindow(Stage stage, CamEngine engine, ViewerSettings settings) {
        this.stage = stage;
        this.engine = engine;
        this.settings = settings;
        this.status = new StatusLine(stage, TITLE, zoomLabel, pointerLabel, timingLabel);
        this.display = new DisplayControls(settings);
        this.method = display.method;
        this.alpha = display.alpha;
        this.colormap = display.colormap;
        this.emphasis = display.emphasis;
        this.colourBar = display.colourBar;
        this.score = display.score;
        this.placement = display.placement;
        this.exports = new Exports(renderThread, status, this::onScreen);
        this.review = new ReviewController(stage, worklist, status,
                new ReviewController.Window(this::currentItem, work::values, this::verdictReady, this::onScreen, this::showItem));
        theme.set(LIGHT.equals(settings.get("theme", DARK)) ? LIGHT : DARK);
        build();
    }

    // ------------------------------------------------------------------ layout

    private void build() {
        imagePane.alphaProperty().bind(alpha.valueProperty());
        notice.setWrapText(true);
        notice.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        notice.setId("notice");
        notice.getStyleClass().add("warning-text");
        notice.managedProperty().bind(notice.visibleProperty());
        notice.setVisible(false);

        VBox right = new VBox(8,
                new TitledPane("Model", modelPanel),
                new TitledPane("Prediction", predictionPanel),
                notice,
                DisplayControls.titled("Layer", layerPicker),
                new TitledPane("Display", display.panel()));
        right.setPadding(new Insets(6));
        VBox.setVgrow(right.getChildren().get(3), Priority.ALWAYS);
        ScrollPane rightScroll = new ScrollPane(right);
        rightScroll.setFitToWidth(true);
        rightScroll.setFitToHeight(true);
        rightScroll.setMinWidth(300);

        BorderPane centre = new BorderPane(imagePane);
        imageLabel.setPadding(new Insets(2, 6, 2, 6));
        imageLabel.setId("image-label");
        centre.setTop(ImageToolbar.bar(imagePane, imageLabel));
        imageTab.setContent(centre);
        compareTab.setContent(comparison);
        imageTab.setClosable(false);
        compareTab.setClosable(false);
        compareTab.setId("compare-tab");
        centreTabs.getTabs().setAll(imageTab, compareTab);
        centreTabs.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b == compareTab) renderComparison();
        });
        comparison.setOnChange(this::renderComparison);
        comparison.setOnTileChosen(t -> {
            CamMethods.byName(t.methodId()).ifPresent(method::setValue);
            layer = t.layer();
            layerPicker.select(t.layer());
            centreTabs.getSelectionModel().select(imageTab);
            render();
        });
        comparison.setOnExport(this::exportComparison);
        split.getItems().setAll(worklist, centreTabs, rightScroll);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(settings.getDouble("divider0", 0.22), settings.getDouble("divider1", 0.74));
        SplitPane.setResizableWithParent(rightScroll, false);
        SplitPane.setResizableWithParent(worklist, false);
        worklist.setOnChosen(item -> {
            int i = images.indexOf(item.file);
            if (i >= 0 && i != index) {
                index = i;
                runPass();
            }
        });
        worklist.setOnCancel(() -> {
            predicting = false;
            predictions.supersede();
            worklist.setProgress(0, false);
            status.say("Predictions for the worklist cancelled");
        });

        status.say("Ready");
        zoomLabel.textProperty().bind(imagePane.zoomProperty().multiply(100).asString("zoom %.0f %%"));
        pointerLabel.textProperty().bind(imagePane.pointerProperty());

        BorderPane root = new BorderPane(split);
        root.setTop(menus());
        root.setBottom(status.node());
        root.setId("viewer-root");
        Scene scene = new Scene(root, settings.getDouble("width", 1280), settings.getDouble("height", 860));
        ViewerMenus.applyTheme(scene, theme.get());
        theme.addListener((o, a, b) -> {
            ViewerMenus.applyTheme(scene, b);
            settings.put("theme", b);
        });
        stage.setScene(scene);
        stage.setTitle(TITLE);
        for (int size : new int[] {32, 64, 128, 256}) {
            var icon = ViewerWindow.class.getResourceAsStream("gradcam-viewer-" + size + ".png");
            if (icon != null) stage.getIcons().add(new Image(icon));
        }
        double x = settings.getDouble("x", Double.NaN);
        double y = settings.getDouble("y", Double.NaN);
        if (!Double.isNaN(x) && !Double.isNaN(y)) {
            stage.setX(x);
            stage.setY(y);
        }

        scene.setOnDragOver(this::dragOver);
        scene.setOnDragDropped(this::dropped);
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            boolean typing = scene.getFocusOwner() instanceof javafx.scene.control.TextInputControl;
            if (e.getCode() == KeyCode.PAGE_DOWN) step(1);
            else if (e.getCode() == KeyCode.PAGE_UP) step(-1);
            else if (!typing && !e.isShortcutDown() && (e.getCode() == KeyCode.DIGIT1 || e.getCode() == KeyCode.NUMPAD1)) giveVerdict(Verdict.AGREE);
            else if (!typing && !e.isShortcutDown() && (e.getCode() == KeyCode.DIGIT2 || e.getCode() == KeyCode.NUMPAD2)) giveVerdict(Verdict.DISAGREE);
            else if (!typing && !e.isShortcutDown() && (e.getCode() == KeyCode.DIGIT3 || e.getCode() == KeyCode.NUMPAD3)) giveVerdict(Verdict.UNSURE);
            else if (!typing && e.getCode() == KeyCode.N && !e.isShortcutDown()) review.editNote();
            else if ((e.getCode() == KeyCode.RIGHT || e.getCode() == KeyCode.LEFT) && imagePane.isFocused()) step(e.getCode() == KeyCode.RIGHT ? 1 : -1);
            // the image's keys work wherever the focus is (a click on a tab or a panel keeps it), except while typing
            else if (!typing && !e.isShortcutDown() && e.getCode() == KeyCode.F) {
                if (centreTabs.getSelectionModel().getSelectedItem() == compareTab) comparison.fitAll();
                else imagePane.fit();
            }
            else if (!typing && !e.isShortcutDown() && e.getCode() == KeyCode.Z) imagePane.oneToOne();
            else if (!typing && !e.isShortcutDown() && e.getCode() == KeyCode.H) imagePane.toggleHeat();
            else if (!typing && e.getCode() == KeyCode.SPACE) imagePane.holdHeatHidden(true);
            else return;
            e.consume();
        });
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_RELEASED, e -> {
            if (e.getCode() == KeyCode.SPACE) imagePane.holdHeatHidden(false);
        });

        imagePane.heatShownProperty().addListener((o, was, now) -> showMapStatus());
        layerPicker.setOnLayerChosen(path -> {
            layer = path;
            render();
            if (comparison.methodsMode()) renderComparison();
        });
        layerPicker.setOnUntappedChosen(reason -> status.say("This layer cannot be explained: " + reason));
        predictionPanel.setOnTargetChosen(t -> {
            target = t;
            runPass();
        });
        method.valueProperty().addListener((o, a, b) -> {
            render();
            renderComparison();
        });
        placement.valueProperty().addListener((o, a, b) -> {
            render();
            renderComparison();
        });
        colormap.valueProperty().addListener((o, a, b) -> recolour());
        emphasis.valueProperty().addListener((o, a, b) -> {
            if (!emphasis.isValueChanging()) recolour();
        });
        emphasis.valueChangingProperty().addListener((o, a, changing) -> {
            if (!changing) recolour();
        });
        score.valueProperty().addListener((o, a, b) -> runPass());
        stage.setOnCloseRequest(e -> saveSettings());
        stage.setOnHidden(e -> releaseModel());
        colours = new HeatColorizer(Colormap.of(colormap.getValue()), emphasis.getValue());
        colourBar.setImage(Swatches.gradient(colours.colormap(), colours.emphasis(), 256, 12));
    }

    /** A combo box of named values with an id, a first value and an optional explanation on hover. */
    private MenuBar menus() {
        return ViewerMenus.bar(stage, new ViewerMenus.Actions(
                this::openPaths, this::loadModel, this::exportOverlay, this::copyOverlay,
                () -> chooseSaveFile("Export verdicts as CSV", "verdicts.csv").ifPresent(this::exportVerdicts),
                () -> {
                    saveSettings();
                    stage.close();
                }, this::lastFolder, this::showAbout), imagePane.cropShownProperty(), theme);
    }

    static final String DARK = ViewerMenus.DARK;
    static final String LIGHT = ViewerMenus.LIGHT;
    static final String SHORTCUTS = ViewerMenus.SHORTCUTS;

    /** The theme in use: "dark" (the default: reading rooms are dark) or "light". */
    javafx.beans.property.StringProperty themeProperty() { return theme; }

    void showAbout() { ViewerMenus.showAbout(stage, TITLE, bundle.get()); }

    // ------------------------------------------------------------------ opening things

    /** Shows the window, loads a model and opens images (both optional). */
    public void open(Path model, List<Path> initialImages) {
        stage.show();
        if (model != null) loadModel(model);
        if (initialImages != null && !initialImages.isEmpty()) openPaths(initialImages);
    }

    /** Frees the model once the work queued for it is done (the window is gone). */
    private void releaseModel() {
        ModelBundle b = bundle.get();
        if (b != null) engineThread.submit(b::close);
    }

    public void loadModel(Path path) {
        begin(modelLoads, "Loading model " + path.getFileName() + "…");
        modelLoads.submit(() -> engine.open(path), b -> {
            end(modelLoads);
            ModelBundle old = bundle.get();
            bundle.set(b);
            if (old != null) engineThread.submit(old::close);
            modelPanel.show(b);
            predictionPanel.setLabels(b.labels());
            target = -1;
            layer = b.manifest().defaultLayer();
            layerPicker.show(b.tree(), layer);
            comparison.setLayers(b.tapNames(), blockLayers(b));
            settings.put("model", path.toAbsolutePath().toString());
            notice.setVisible(!b.hasManifest());
            notice.setText(b.hasManifest() ? "" : "This model has no Grad-CAM manifest: it predicts, but CAMs need a bundle made by models/tools/export_model.py.");
            status.say("Model " + b.name() + " loaded");
            for (WorkItem item : worklist.items()) {
                item.prediction.set(null);
                if (!item.problem.get().equals("changed since its review")) item.problem.set("");
            }
            runPass();
            startPredictions();
        }, e -> {
            end(modelLoads);
            fail("Could not open the model " + path.getFileName() + ": " + reason(e)
                    + (bundle.get() != null ? ". The previous model stays." : ""));
        });
    }

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
        if (!refused.isEmpty()) fail("Not an image or model: " + String.join(", ", refused) + " (PNG, JPEG, TIFF, BMP, or a .pt model bundle)");
        if (!models.isEmpty()) loadModel(models.get(0));
        if (candidates.isEmpty()) return;
        List<Path> found = ImageFiles.expand(candidates);
        if (found.isEmpty()) {
            fail("No images found in " + candidates.get(0).getFileName());
            return;
        }
        Path first = candidates.get(0);
        Path folder = Files.isDirectory(first) ? first : first.toAbsolutePath().getParent();
        if (folder != null) settings.put("lastFolder", folder.toAbsolutePath().toString());
        review.open(folder);
        images.clear();
        work.clear();
        List<WorkItem> items = new ArrayList<>();
        for (Path f : found) {
            WorkItem item = new WorkItem(f, ReviewController.key(folder, f));
            review.restore(item);
            work.put(f, item);
            items.add(item);
        }
        worklist.setItems(items);
        images.addAll(worklist.shown().stream().map(i -> i.file).toList());
        index = 0;
        worklist.select(work.get(images.get(0)));
        runPass();
        startPredictions();
    }

    // ------------------------------------------------------------------ review

    /** Predictions for the whole worklist, one image at a time so that the shown image's pass goes first. */
    private void startPredictions() {
        predicting = true;
        predictNext();
    }

    private void predictNext() {
        ModelBundle b = bundle.get();
        List<WorkItem> todo = worklist.items().stream().filter(i -> i.prediction.get() == null && i.problem.get().isEmpty()).toList();
        int total = worklist.items().size();
        worklist.setProgress(total == 0 ? 1 : (double) (total - todo.size()) / total, predicting && !todo.isEmpty());
        if (!predicting || b == null || todo.isEmpty()) {
            predicting = false;
            return;
        }
        WorkItem next = todo.get(0);
        predictions.submit(() -> {
            next.sha256 = dev.gradcamviewer.review.FileDigest.sha256(next.file);
            dev.gradcamviewer.imaging.DecodedImage img = ImageDecoder.decode(next.file);
            int[] dims = new int[2];
            int[] thumb = dev.gradcamviewer.imaging.Thumbnails.argb(img, 48, dims);
            return new Object[] {engine.predict(b, img), Swatches.argb(thumb, dims[0], dims[1])};
        }, r -> {
            next.thumbnail.set((Image) r[1]);
            next.prediction.set((Prediction) r[0]);
            review.checkUnchanged(next);
            predictNext();
        }, e -> {
            next.problem.set(reason(e));
            predictNext();
        });
    }

    /** Records the verdict for the shown image (see {@link ReviewController#giveVerdict}). */
    public void giveVerdict(Verdict verdict) { review.giveVerdict(verdict); }

    /** Sets the shown image's note (saved at once, with its verdict if it has one). */
    public void setNote(String note) { review.setNote(note); }

    public void exportVerdicts(Path target) { review.exportVerdicts(target); }

    private WorkItem currentItem() {
        return index >= 0 && index < images.size() ? work.get(images.get(index)) : null;
    }

    private void showItem(WorkItem item) {
        int i = images.indexOf(item.file);
        if (i < 0) return;
        index = i;
        worklist.select(item);
        runPass();
    }

    private java.util.Optional<File> lastFolder() {
        String f = settings.get("lastFolder", null);
        return f == null ? java.util.Optional.empty() : java.util.Optional.of(new File(f)).filter(File::isDirectory);
    }

    private void step(int delta) {
        if (images.isEmpty()) return;
        List<WorkItem> order = worklist.shown();
        WorkItem current = currentItem();
        int at = current == null ? -1 : order.indexOf(current);
        int next = Math.max(0, Math.min(order.size() - 1, at + delta));
        if (order.isEmpty() || next == at) return;
        showItem(order.get(next));
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

    /** One model pass for the current image and target; a newer request drops this one's answer. */
    private void runPass() {
        ModelBundle b = bundle.get();
        if (b == null || index < 0 || index >= images.size()) return;
        Path file = images.get(index);
        int t = target;
        Score s = score.getValue();
        renders.supersede();
        end(renders);
        displayComplete = false;
        ExplainedImage before = shown.get();
        if (before == null || !before.file().equals(file)) {
            imagePane.showLoading("Loading " + file.getFileName() + "\u2026");
            shownHeat.set(null);
            predictionPanel.clear();
        }
        imageLabel.setText(String.format("%d / %d   %s", index + 1, images.size(), file.getFileName()));
        begin(passes, "Computing " + file.getFileName() + "…");
        passes.submit(() -> {
            ExplainedImage ex = engine.explain(b, file, t, s);
            Image fx = Swatches.argb(withAlpha(OverlayComposer.displayPixels(ex.image())), ex.image().width(), ex.image().height());
            return new PassShown(ex, fx);
        }, r -> {
            end(passes);
            ExplainedImage ex = r.explained();
            releaseAfterRenders(shown.get());
            shown.set(ex);
            imagePane.setImage(r.image(), ex.image());
            String cropNote = cropNote(ex);
            imagePane.setCrop(ex.input().crop(), cropNote);
            shownImage = r.image();
            predictionPanel.show(ex.pass().prediction(), t);
            WorkItem item = work.get(ex.file());
            if (item != null && item.prediction.get() == null && t < 0) item.prediction.set(ex.pass().prediction());
            timingLabel.setText("model pass " + ex.pass().millis() + " ms");
            status.say(ex.file().getFileName() + ": " + ex.pass().prediction().predictedLabel()
                    + (ex.image().warnings().isEmpty() ? "" : " (" + String.join("; ", ex.image().warnings()) + ")")
                    + (cropNote.isEmpty() ? "" : ". " + cropNote));
            if (ex.image().truncated()) {
                fail(ex.file().getFileName() + ": the file is truncated, part of the image is missing: its prediction and heat are not to be trusted.");
                if (item != null) item.problem.set("truncated file");
            }
            render();
            renderComparison();
        }, e -> {
            end(passes);
            if (shown.get() == null || !shown.get().file().equals(file)) imagePane.showLoading(file.getFileName() + " could not be shown");
            fail("Could not explain " + file.getFileName() + ": " + reason(e));
        });
    }

    /** Layer, method or placement changed: map and heat layer from the cached pass, no model run. */
    private void render() {
        ExplainedImage ex = shown.get();
        ModelBundle b = bundle.get();
        if (ex == null || b == null) return;
        if (!b.hasManifest() || layer == null || !ex.hasLayer(layer)) {
            imagePane.clearHeat();
            shownHeat.set(null);
            displayComplete = !status.isBusy(passes);
            return;
        }
        displayComplete = false;
        CamMethod m = method.getValue();
        Placement p = placement.getValue();
        HeatColorizer c = colours;
        String l = layer;
        begin(renders, "Rendering " + m.displayName() + " of " + l + "…");
        renders.submit(() -> {
            long start = System.nanoTime();
            CamMap map = ex.cam(l, m);
            if (map.zeroGradient()) return new Rendered(null, null, map, 0);
            PlacedMap placed = ex.placed(l, m, p);
            int[] argb = new int[placed.width() * placed.height()];
            c.colorize(placed.values(), argb);
            Image img = Swatches.argb(argb, placed.width(), placed.height());
            return new Rendered(img, placed, map, (System.nanoTime() - start) / 1_000_000);
        }, r -> {
            end(renders);
            if (r.map.zeroGradient()) {
                imagePane.clearHeat();
                shownHeat.set(null);
                notice.setText("The model's output is saturated: the " + scoreName(score.getValue()).toLowerCase(Locale.ROOT)
                        + " score has no gradient, so there is no map to show. Use the logit score.");
                notice.setVisible(true);
            } else {
                notice.setVisible(!b.hasManifest());
                imagePane.setHeat(r.image, r.placed);
                shownHeat.set(r.placed);
                StartupTiming.firstCamShown();
            }
            displayComplete = !status.isBusy(passes);
            renderCount.set(renderCount.get() + 1);
            timingLabel.setText("model pass " + ex.pass().millis() + " ms, map " + r.millis + " ms");
            status.setMapText(ex.file().getFileName() + ": " + m.displayName() + " of " + l + " for \u201c"
                    + b.labels().get(ex.pass().target()) + "\u201d (" + scoreName(score.getValue()).toLowerCase(Locale.ROOT) + ")"
                    + (cropNote(ex).isEmpty() ? "" : ". " + cropNote(ex)));
            showMapStatus();
        }, e -> {
            end(renders);
            fail("Could not draw the map: " + reason(e));
        });
    }

    private void recolour() {
        colours = new HeatColorizer(Colormap.of(colormap.getValue()), emphasis.getValue());
        colourBar.setImage(Swatches.gradient(colours.colormap(), colours.emphasis(), 256, 12));
        render();
        renderComparison();
    }

    /** Blocks: tapped layers with children, at the shallowest depth where there are two or more. */
    static List<String> blockLayers(ModelBundle b) {
        java.util.TreeMap<Integer, List<String>> byDepth = new java.util.TreeMap<>();
        for (var n : b.tree().layers()) {
            if (n.isTapped() && !n.children().isEmpty()) {
                byDepth.computeIfAbsent((int) n.path().chars().filter(c -> c == '.').count(), k -> new ArrayList<>()).add(n.path());
            }
        }
        for (List<String> atDepth : byDepth.values()) if (atDepth.size() >= 2) return atDepth;
        return byDepth.isEmpty() ? List.of() : byDepth.firstEntry().getValue();
    }

    /** The comparison grid from the cached pass: no model run. */
    private void renderComparison() {
        ExplainedImage ex = shown.get();
        ModelBundle b = bundle.get();
        if (centreTabs.getSelectionModel().getSelectedItem() != compareTab) return;
        if (ex == null || b == null || shownImage == null || !b.hasManifest()) {
            comparison.clear("Nothing to compare yet: CAMs need an image and a model bundle with taps.");
            return;
        }
        List<ComparisonView.TileSpec> specs = new ArrayList<>();
        if (comparison.methodsMode()) {
            // what the tiles share (the layer, or the method) is said once, in the status bar and the figure's header
            for (CamMethod m : CamMethods.ALL) specs.add(new ComparisonView.TileSpec(layer, m.id(), m.displayName()));
        } else {
            CamMethod m = method.getValue();
            for (String l : comparison.checkedLayers()) specs.add(new ComparisonView.TileSpec(l, m.id(), l));
        }
        Placement p = placement.getValue();
        HeatColorizer c = colours;
        Image base = shownImage;
        double a = alpha.getValue();
        compareRenders.submit(() -> {
            List<Image> heats = new ArrayList<>();
            List<int[]> offsets = new ArrayList<>();
            for (ComparisonView.TileSpec t : specs) {
                CamMethod m = CamMethods.byName(t.methodId()).orElseThrow();
                CamMap map = ex.cam(t.layer(), m);
                if (map.zeroGradient()) {
                    heats.add(null);
                    offsets.add(null);
                    continue;
                }
                PlacedMap placed = ex.placed(t.layer(), m, p);
                int[] argb = new int[placed.width() * placed.height()];
                c.colorize(placed.values(), argb);
                heats.add(Swatches.argb(argb, placed.width(), placed.height()));
                offsets.add(new int[] {placed.x(), placed.y()});
            }
            return new Object[] {heats, offsets};
        }, r -> {
            @SuppressWarnings("unchecked") List<Image> heats = (List<Image>) r[0];
            @SuppressWarnings("unchecked") List<int[]> offsets = (List<int[]>) r[1];
            comparison.show(base, specs, heats, offsets, a);
            status.say(ex.file().getFileName() + ": " + (comparison.methodsMode() ? "every method at " + layer
                    : method.getValue().displayName() + " at " + specs.size() + " layers") + ", for \u201c"
                    + b.labels().get(ex.pass().target()) + "\u201d (" + scoreName(ex.pass().score()).toLowerCase(Locale.ROOT) + ")");
            comparisonCount.set(comparisonCount.get() + 1);
        }, e -> fail("Could not draw the comparison: " + reason(e)));
    }

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

    /** What part of the image the model saw, when not all of it (empty otherwise). */
    private static String cropNote(ExplainedImage ex) {
        var c = ex.input().crop();
        var img = ex.image();
        if (c.top() < 0.5 && c.left() < 0.5 && c.height() > img.height() - 0.5 && c.width() > img.width() - 0.5) return "";
        return String.format(Locale.ROOT, "The model saw only the outlined centre, %.0f\u00d7%.0f of %d\u00d7%d px: its "
                + "preprocessing resizes the shorter side and crops the centre, so the rest has no heat", c.width(), c.height(), img.width(), img.height());
    }

    private record Rendered(Image image, PlacedMap placed, CamMap map, long millis) { }

    /** A pass's answer before it is shown; closed (its native layers freed) if a newer one wins. */
    private record PassShown(ExplainedImage explained, Image image) implements AutoCloseable {
        @Override
        public void close() { explained.close(); }
    }

    /**
     * The image being replaced keeps its maps; its uncopied layers are freed once the renders
     * already queued for it are done (both render threads), never on the FX thread.
     */
    private void releaseAfterRenders(ExplainedImage old) {
        if (old == null) return;
        renders.supersede();
        end(renders);
        compareRenders.supersede();
        renderThread.submit(() -> compareThread.submit(old::close));
    }

    private static int[] withAlpha(int[] rgb) {
        for (int i = 0; i < rgb.length; i++) rgb[i] |= 0xff000000;
        return rgb;
    }

    private void exportOverlay() {
        String name = exports.overlayName();
        if (name == null) {
            fail("There is no overlay to export yet.");
            return;
        }
        chooseSaveFile("Export overlay as PNG", name).ifPresent(this::exportOverlay);
    }

    /** Writes the full-resolution overlay (whole or not at all). */
    public void exportOverlay(Path target) { exports.overlay(target); }

    private void copyOverlay() { exports.copyOverlay(); }

    /** What is on screen, for exports. */
    private OnScreen onScreen() {
        return new OnScreen(shown.get(), shownHeat.get(), bundle.get(), colours, alpha.getValue(), layer, method.getValue(),
                placement.getValue(), comparison.methodsMode(), List.copyOf(comparison.tiles()));
    }

    // ------------------------------------------------------------------ status

    /** For tests: the status bar's text. */
    String statusText() { return status.text(); }

    /** For tests: whether the status bar shows work under way. */
    boolean busy() { return status.anyBusy(); }

    private void begin(LatestOnly channel, String what) { status.begin(channel, what); }

    private void end(LatestOnly channel) { status.end(channel); }

    private void fail(String text) { status.fail(text); }

    private void inform(String text) { status.inform(text); }

    private void showMapStatus() { status.showMapStatus(imagePane.heatShownProperty().get()); }

    /** Tells the user something that is not a failure (status bar and a notification). */
    void tell(String text) { inform(text); }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

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

    static String scoreName(Score s) {
        return s == Score.LOGIT ? "Logit" : "Probability (article)";
    }

    static String placementName(Placement p) {
        return p == Placement.RECEPTIVE_FIELD ? "Receptive field" : "Resize (article)";
    }

    // ------------------------------------------------------------------ for tests and the app

    public ReadOnlyObjectProperty<ModelBundle> bundleProperty() { return bundle; }

    public ReadOnlyObjectProperty<ExplainedImage> shownProperty() { return shown; }

    /** Whether the current image's picture, prediction and map are all on screen, so a verdict may be given. */
    boolean verdictReady() {
        WorkItem item = currentItem();
        ExplainedImage ex = shown.get();
        return item != null && ex != null && ex.file().equals(item.file) && displayComplete
                && !status.isBusy(passes) && !status.isBusy(renders);
    }

    /** For tests: the crop outline (image pixels: x, y, width, height), null when none is drawn. */
    double[] cropOutline() { return imagePane.cropOutline(); }

    /** For tests: the image pane's loading text (empty when it shows an image). */
    String loadingText() { return imagePane.loadingProperty().get(); }

    public ReadOnlyObjectProperty<PlacedMap> heatProperty() { return shownHeat; }

    public ReadOnlyStringProperty messageProperty() { return status.messageProperty(); }

    public ReadOnlyIntegerProperty renderCountProperty() { return renderCount; }

    public String currentLayer() { return layer; }

    ImagePane imagePane() { return imagePane; }

    LayerPicker layerPicker() { return layerPicker; }

    WorklistPanel worklist() { return worklist; }

    ComparisonView comparison() { return comparison; }

    void showComparison() { centreTabs.getSelectionModel().select(compareTab); }

    ReadOnlyIntegerProperty comparisonCountProperty() { return comparisonCount; }

    ReviewStore reviews() { return review.store(); }

    Label notice() { return notice; }

    public void saveSettingsNow() { saveSettings(); }
}
