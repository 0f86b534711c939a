package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.ModelPassCams;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.OverlayComposer;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import javafx.scene.control.Label;
import javafx.scene.image.Image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * From the current image to what is on screen: one model pass per image and label (on the engine
 * thread), the map of the chosen layer and method coloured and placed (render thread), the
 * comparison grid (its own thread). A newer request drops an older one's answer; the FX thread only
 * shows answers that are still current, and the image being replaced is freed once nothing needs it.
 */
final class CamPipeline {
    /** The views the pipeline fills. */
    record Views(ImagePane image, PredictionPanel prediction, ComparisonView comparison, Label notice, Label imageLabel,
                 Label timing, Label faithfulness, BooleanSupplier compareShown) { }

    private final ViewerState state;
    private final CamEngine engine;
    private final DisplayControls display;
    private final Views views;
    private final StatusLine status;
    private final ExecutorService renderThread = LatestOnly.thread("cam-render");
    private final ExecutorService compareThread = LatestOnly.thread("cam-compare");
    final LatestOnly passes;
    /** Score-CAM's and Ablation-CAM's passes, on the model's thread; stopped between batches when superseded. */
    private final LatestOnly modelPasses;
    /** Faithfulness scores of the shown map and of the grid's, on the model's thread after the maps show. */
    private final MapScoring scores;
    private ExplainedImage modelPassesFor;
    private String modelPassesLayer;
    final LatestOnly renders = new LatestOnly(renderThread);
    private final LatestOnly compareRenders = new LatestOnly(compareThread);
    private final LatestOnly windowRenders = new LatestOnly(LatestOnly.thread("window-render"));

    CamPipeline(ViewerState state, CamEngine engine, ExecutorService engineThread, DisplayControls display, Views views, StatusLine status) {
        this.state = state;
        this.engine = engine;
        this.display = display;
        this.views = views;
        this.status = status;
        this.passes = new LatestOnly(engineThread);
        this.modelPasses = new LatestOnly(engineThread);
        this.scores = new MapScoring(state, display, views.faithfulness(), views.comparison(), engineThread, this::renderComparison);
        state.window.voi.addListener((o, a, b) -> redisplay());
        state.window.invert.addListener((o, a, b) -> redisplay());
    }

    /** The display window changed: the picture again through it; model input, heat and grid stay. */
    private void redisplay() {
        ExplainedImage ex = state.shown.get();
        if (ex == null || ex.image().levels() == null) return;
        var voi = state.window.voi.get();
        boolean invert = state.window.invert.get();
        windowRenders.submit(() -> Swatches.argb(withAlpha(OverlayComposer.displayPixels(ex.image(), voi, invert)), ex.image().width(), ex.image().height()),
                img -> {
                    if (state.shown.get() != ex) return;
                    state.shownImage = img;
                    views.image().setDisplayed(img);
                    renderComparison();
                }, e -> status.fail("Could not display the window: " + UiText.reason(e)));
    }

    ExecutorService renderThread() { return renderThread; }

    /** Whether the current image's picture, prediction and map are all on screen. */
    boolean settled() {
        return state.displayComplete && !status.isBusy(passes) && !status.isBusy(renders);
    }

    /** One model pass for the current image and label; a newer request drops this one's answer. */
    void runPass() { runPass(false); }

    /**
     * {@code asDisplayed}: the model is given the image through the window on display (a DICOM or
     * 16-bit image), not through its model's rule: "explain as displayed", for this image only.
     */
    void runPass(boolean asDisplayed) {
        ModelBundle b = state.bundle.get();
        if (b == null || state.index < 0 || state.index >= state.images.size()) return;
        Path file = state.images.get(state.index);
        int t = state.target;
        Score s = display.score.getValue();
        renders.supersede();
        status.end(renders);
        stopModelPasses();
        scores.stopAll();
        state.displayComplete = false;
        ExplainedImage before = state.shown.get();
        boolean sameImage = before != null && before.file().equals(file);
        var voi = sameImage ? state.window.voi.get() : null;
        boolean invert = sameImage && state.window.invert.get();
        boolean displayed = asDisplayed && sameImage && before.image().levels() != null;
        String displayedText = displayed ? state.window.textProperty().get() : null;
        var chosen = displayed ? state.window.current(voi) : null;
        if (!sameImage) {
            views.image().showLoading("Loading " + file.getFileName() + "\u2026");
            state.heat.set(null);
            views.prediction().clear();
        }
        views.imageLabel().setText(String.format("%d / %d   %s", state.index + 1, state.images.size(), file.getFileName()));
        status.begin(passes, "Computing " + file.getFileName() + "\u2026");
        StartupTiming.mark("pass asked for");
        passes.submit(() -> {
            ExplainedImage ex = displayed ? engine.explainAsDisplayed(b, file, chosen, invert, t, s)
                    : engine.explain(b, file, t, s);
            Image fx = Swatches.argb(withAlpha(OverlayComposer.displayPixels(ex.image(), voi, invert)), ex.image().width(), ex.image().height());
            return new PassShown(ex, fx);
        }, r -> {
            StartupTiming.mark("pass back on the window's thread");
            status.end(passes);
            ExplainedImage ex = r.explained();
            release(state.shown.get());
            state.explainedAsDisplayed = displayedText;
            if (displayedText != null) views.imageLabel().setText(views.imageLabel().getText() + "   · explained as displayed, " + displayedText);
            state.shown.set(ex);
            if (!sameImage) state.window.show(ex.image().levels());
            views.image().setImage(r.image(), ex.image());
            String cropNote = cropNote(ex);
            views.image().setCrop(ex.input().crop(), cropNote);
            state.shownImage = r.image();
            views.prediction().show(ex.pass().prediction(), t);
            WorkItem item = state.work.get(ex.file());
            if (item != null && item.prediction.get() == null && t < 0) item.prediction.set(ex.pass().prediction());
            views.timing().setText("model pass " + ex.pass().millis() + " ms");
            status.say(ex.file().getFileName() + ": " + ex.pass().prediction().predictedLabel()
                    + (displayedText == null ? "" : " (explained as displayed: " + displayedText + ")")
                    + (ex.image().warnings().isEmpty() ? "" : " (" + String.join("; ", ex.image().warnings()) + ")")
                    + (cropNote.isEmpty() ? "" : ". " + cropNote));
            if (ex.image().truncated()) {
                status.fail(ex.file().getFileName() + ": the file is truncated, part of the image is missing: its prediction and heat are not to be trusted.");
                if (item != null) item.problem.set("truncated file");
            }
            render();
            renderComparison();
        }, e -> {
            status.end(passes);
            if (state.shown.get() == null || !state.shown.get().file().equals(file)) views.image().showLoading(file.getFileName() + " could not be shown");
            status.fail("Could not explain " + file.getFileName() + ": " + UiText.reason(e));
        });
    }

    /** Layer, method or placement changed: map and heat layer from the cached pass, no model run. */
    void render() {
        ExplainedImage ex = state.shown.get();
        ModelBundle b = state.bundle.get();
        if (ex == null || b == null) return;
        String l = state.layer;
        if (!b.hasManifest() || l == null || !ex.hasLayer(l)) {
            views.image().clearHeat();
            state.heat.set(null);
            state.displayComplete = !status.isBusy(passes);
            return;
        }
        state.displayComplete = false;
        CamMethod m = display.chosen();
        // another map is coming: the shown one's measuring stops (the grid's goes on)
        scores.stopShown();
        if (m.needsModelPasses() && !ex.hasMap(l, m)) {
            // never the previous method's heat under this one's name: none until this map is made
            views.image().clearHeat();
            state.heat.set(null);
            status.setMapText(ex.file().getFileName() + ": " + m.displayName() + " of " + l + " is being made; no heat is shown until it is ready");
            // the same request already under way (a colour change meanwhile, say) goes on
            if (!(status.isBusy(modelPasses) && modelPassesFor == ex && l.equals(modelPassesLayer))) runModelPasses(ex, b, l, m);
            return;
        }
        stopModelPasses();
        Placement p = display.placement.getValue();
        HeatColorizer c = state.colours;
        status.begin(renders, "Rendering " + m.displayName() + " of " + l + "\u2026");
        StartupTiming.mark("map asked for");
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
            status.end(renders);
            if (r.map.zeroGradient()) {
                views.image().clearHeat();
                state.heat.set(null);
                views.notice().setText("The model's output is saturated: the " + scoreWord()
                        + " score has no gradient, so there is no map to show. Use the logit score.");
                views.notice().setVisible(true);
            } else {
                views.notice().setVisible(!b.hasManifest());
                views.image().setHeat(r.image, r.placed);
                state.heat.set(r.placed);
                StartupTiming.firstCamShown();
            }
            state.displayComplete = !status.isBusy(passes);
            state.renderCount.set(state.renderCount.get() + 1);
            views.timing().setText("model pass " + ex.pass().millis() + " ms, map " + r.millis + " ms");
            String cropNote = cropNote(ex);
            status.setMapText(ex.file().getFileName() + ": " + m.displayName() + " of " + l + " for \u201c"
                    + b.labels().get(ex.pass().target()) + "\u201d (" + scoreWord() + ")"
                    + (cropNote.isEmpty() ? "" : ". " + cropNote));
            status.showMapStatus(views.image().heatShownProperty().get());
            if (!r.map.zeroGradient()) scores.scoreShown(ex, b, l, m);
        }, e -> {
            status.end(renders);
            status.fail("Could not draw the map: " + UiText.reason(e));
        });
    }

    /** Colormap or emphasis changed: new colours for the map, the grid and the colour bar. */
    void recolour() {
        state.colours = new HeatColorizer(Colormap.of(display.colormap.getValue()), display.emphasis.getValue(), display.fade.getValue(),
                Math.min(0.99, display.threshold.getValue()));
        display.colourBar.setImage(Swatches.gradient(state.colours.colormap(), state.colours.emphasis(), 256, 12));
        render();
        renderComparison();
    }

    /** Score-CAM's or Ablation-CAM's passes for the shown image and layer, with progress; the map is drawn when they are done. */
    private void runModelPasses(ExplainedImage ex, ModelBundle b, String l, CamMethod m) {
        int channels = b.manifest().taps().stream().filter(t -> t.name().equals(l)).findFirst().map(t -> t.shape().get(1)).orElse(0);
        String what = m.displayName() + " of " + l + ": " + (m instanceof dev.gradcamviewer.cam.AugSmooth
                ? "6 passes, the image mirrored and scaled" : channels + " passes, one per channel");
        stopModelPasses();
        modelPassesFor = ex;
        modelPassesLayer = l;
        status.begin(modelPasses, what + "\u2026");
        modelPasses.submit(stale -> ModelPassCams.compute(m, b, ex, l, done -> javafx.application.Platform.runLater(() -> {
            if (status.isBusy(modelPasses)) status.say(what + ", " + done + " done\u2026");
        }), state.modelTurns.lettingThrough(stale)), map -> {
            status.end(modelPasses);
            render();
        }, e -> {
            status.end(modelPasses);
            if (!(e instanceof InterruptedException)) status.fail(m.displayName() + " could not be made: " + UiText.reason(e));
        });
    }

    /** A newer image, label, layer or method: masked passes under way stop at their next batch. */
    private void stopModelPasses() {
        modelPasses.supersede();
        status.end(modelPasses);
    }

    /** The comparison grid from the cached pass: no model run. */
    void renderComparison() {
        ExplainedImage ex = state.shown.get();
        ModelBundle b = state.bundle.get();
        ComparisonView comparison = views.comparison();
        if (!views.compareShown().getAsBoolean()) return;
        if (ex == null || b == null || state.shownImage == null || !b.hasManifest()) {
            comparison.clear("Nothing to compare yet: CAMs need an image and a model bundle with taps.");
            return;
        }
        List<ComparisonView.TileSpec> specs = new ArrayList<>();
        List<ComparisonView.TileSpec> waiting = new ArrayList<>();
        String layer = state.layer;
        CamMethod chosen = display.chosen();
        if (comparison.methodsMode()) {
            // what the tiles share (the layer, or the method) is said once, in the status bar and the figure's header
            for (CamMethod base : CamMethods.FOR_VIEWER) {
                CamMethod m = display.smoothedAsTicked(base);
                tile(ex, new ComparisonView.TileSpec(layer, m.id(), m.displayName()), m, specs, waiting);
            }
        } else {
            for (String l : comparison.checkedLayers()) tile(ex, new ComparisonView.TileSpec(l, chosen.id(), l), chosen, specs, waiting);
        }
        Placement p = display.placement.getValue();
        HeatColorizer c = state.colours;
        Image base = state.shownImage;
        double a = display.alpha.getValue();
        compareRenders.submit(() -> {
            List<Image> heats = new ArrayList<>();
            List<int[]> offsets = new ArrayList<>();
            for (ComparisonView.TileSpec t : specs) {
                CamMethod m = CamMethods.byName(t.methodId()).orElseThrow();
                if (ex.cam(t.layer(), m).zeroGradient()) {
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
            return new Grid(heats, offsets);
        }, r -> {
            comparison.show(base, specs, r.heats(), r.offsets(), a);
            scores.scoreGrid(ex, b, specs, r.heats(), waiting);
            status.say(ex.file().getFileName() + ": " + (comparison.methodsMode() ? "every method at " + layer
                    : chosen.displayName() + " at " + specs.size() + " layers") + ", for \u201c"
                    + b.labels().get(ex.pass().target()) + "\u201d (" + UiText.scoreName(ex.pass().score()).toLowerCase(Locale.ROOT) + ")");
            state.comparisonCount.set(state.comparisonCount.get() + 1);
        }, e -> status.fail("Could not draw the comparison: " + UiText.reason(e)));
    }

    /** A method with passes of its own has a tile once its map is made (after the others are scored, or in the Image tab). */
    private static void tile(ExplainedImage ex, ComparisonView.TileSpec spec, CamMethod m, List<ComparisonView.TileSpec> shown,
                             List<ComparisonView.TileSpec> waiting) {
        if (!m.needsModelPasses() || ex.hasMap(spec.layer(), m)) shown.add(spec);
        else waiting.add(spec);
    }

    /**
     * The image being replaced keeps its maps; its uncopied layers are freed once the renders
     * already queued for it are done (both render threads), never on the FX thread.
     */
    void release(ExplainedImage old) {
        if (old == null) return;
        renders.supersede();
        status.end(renders);
        compareRenders.supersede();
        renderThread.submit(() -> compareThread.submit(old::close));
    }

    /** What part of the image the model saw, when not all of it (empty otherwise). */
    static String cropNote(ExplainedImage ex) {
        var c = ex.input().crop();
        var img = ex.image();
        if (c.top() < 0.5 && c.left() < 0.5 && c.height() > img.height() - 0.5 && c.width() > img.width() - 0.5) return "";
        return String.format(Locale.ROOT, "The model saw only the outlined centre, %.0f\u00d7%.0f of %d\u00d7%d px: its "
                + "preprocessing resizes the shorter side and crops the centre, so the rest has no heat", c.width(), c.height(), img.width(), img.height());
    }

    private String scoreWord() { return UiText.scoreName(display.score.getValue()).toLowerCase(Locale.ROOT); }

    private static int[] withAlpha(int[] rgb) {
        for (int i = 0; i < rgb.length; i++) rgb[i] |= 0xff000000;
        return rgb;
    }

    private record Rendered(Image image, PlacedMap placed, CamMap map, long millis) { }

    private record Grid(List<Image> heats, List<int[]> offsets) { }

    /** A pass's answer before it is shown; closed (its native layers freed) if a newer one wins. */
    private record PassShown(ExplainedImage explained, Image image) implements AutoCloseable {
        @Override
        public void close() { explained.close(); }
    }
}
