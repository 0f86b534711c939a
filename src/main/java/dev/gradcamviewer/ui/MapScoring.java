package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.FaithfulnessRunner;
import dev.gradcamviewer.app.ModelPassCams;
import dev.gradcamviewer.app.RoadRunner;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.model.ModelBundle;
import javafx.animation.PauseTransition;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.util.Duration;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The faithfulness of the maps on screen, each beside the random map's, measured on the model's
 * thread after the maps show: the shown map's in the status bar, each Compare tile's on the tile.
 * A newer map stops the shown one's measuring; a newer grid stops the grid's.
 */
final class MapScoring {
    private static final CamMethod RANDOM = CamMethods.byName("random").orElseThrow();

    private final ViewerState state;
    private final DisplayControls display;
    private final Label label;
    private final ComparisonView grid;
    private final Runnable redrawGrid;
    private final LatestOnly shown;
    private final LatestOnly tiles;
    private final PauseTransition delay = new PauseTransition(Duration.millis(400));

    MapScoring(ViewerState state, DisplayControls display, Label label, ComparisonView grid, ExecutorService engineThread, Runnable redrawGrid) {
        this.state = state;
        this.display = display;
        this.label = label;
        this.grid = grid;
        this.redrawGrid = redrawGrid;
        this.shown = new LatestOnly(engineThread);
        this.tiles = new LatestOnly(engineThread);
    }

    /**
     * The shown map's faithfulness beside the random map's, in the status bar once measured; the map
     * shows first, and measuring starts only once it has stayed on screen a moment (stepping through
     * layers or images with the keys measures nothing on the way).
     */
    void scoreShown(ExplainedImage ex, ModelBundle b, String l, CamMethod m) {
        label.setText("faithfulness: measuring\u2026");
        state.faithfulness = null;
        delay.stop();
        delay.setOnFinished(e -> start(ex, b, l, m));
        delay.playFromStart();
    }

    private void start(ExplainedImage ex, ModelBundle b, String l, CamMethod m) {
        if (state.shown.get() != ex || !l.equals(state.layer) || !display.chosen().id().equals(m.id())) return;
        shown.submit(stale -> besideRandom(b, ex, l, m, stale), r -> {
            if (state.shown.get() != ex) return;
            state.faithfulness = r;
            state.faithfulnessOf = m.displayName() + " of " + l + ", " + ex.file().getFileName();
            label.setText(String.format(Locale.ROOT, "deletion %.2f (random %.2f) \u00b7 insertion %.2f (%.2f)",
                    r[0].deletion(), r[1].deletion(), r[0].insertion(), r[1].insertion()));
            label.setTooltip(new Tooltip(String.format(Locale.ROOT,
                    "How much the model's output depends on the pixels this map heats, for this image:%n"
                            + "deletion %.3f (lower is better; random map %.3f): the label's probability as they are blacked out, most heated first;%n"
                            + "insertion %.3f (higher is better; random %.3f): as they are revealed on a blurred copy;%n"
                            + "confidence change %+.3f for the image times the map (%+.3f for the inverted map).",
                    r[0].deletion(), r[1].deletion(), r[0].insertion(), r[1].insertion(), r[0].confidenceChange(), r[0].invertedConfidenceChange())));
            scoreRoad(ex, b, l, m, label.getText(), label.getTooltip().getText());
        }, e -> {
            if (!(e instanceof InterruptedException)) label.setText("faithfulness: " + UiText.reason(e));
        });
    }

    /** ROAD of the shown map and of the random map, after deletion and insertion (a few seconds more), appended to them. */
    private void scoreRoad(ExplainedImage ex, ModelBundle b, String l, CamMethod m, String text, String tip) {
        label.setText(text + " \u00b7 ROAD\u2026");
        shown.submitQueued(stale -> {
            BooleanSupplier stop = state.modelTurns.lettingThrough(stale);
            return new RoadRunner.Result[] {RoadRunner.measure(b, ex, l, m, stop), RoadRunner.measure(b, ex, baselineLayer(b, ex), RANDOM, stop)};
        }, r -> {
            if (state.shown.get() != ex || !l.equals(state.layer) || !display.chosen().id().equals(m.id())) return;
            label.setText(text + String.format(Locale.ROOT, " \u00b7 ROAD %+.2f (%+.2f)", r[0].combined(), r[1].combined()));
            label.setTooltip(new Tooltip(tip + String.format(Locale.ROOT, "%nROAD %+.3f (higher is better; random %+.3f): pytorch-grad-cam's ROADCombined, "
                    + "the pixels removed by linear imputation instead of blackened (most relevant first %+.3f, least relevant first %+.3f)",
                    r[0].combined(), r[1].combined(), r[0].mostRelevantFirst(), r[0].leastRelevantFirst())));
        }, e -> {
            if (!(e instanceof InterruptedException)) label.setText(text + " \u00b7 ROAD: " + UiText.reason(e));
        });
    }

    /**
     * Each tile's faithfulness, one after another, shown as it comes; then the first tile still
     * waiting for passes of its own (Score-CAM, Ablation-CAM, aug-smooth) has them made, and the grid
     * is drawn again (which queues the next).
     */
    void scoreGrid(ExplainedImage ex, ModelBundle b, List<ComparisonView.TileSpec> specs, List<Image> heats,
                   List<ComparisonView.TileSpec> waiting) {
        tiles.supersede();
        for (int i = 0; i < specs.size(); i++) {
            int tile = i;
            ComparisonView.TileSpec t = specs.get(i);
            if (heats.get(i) == null) continue;
            CamMethod m = CamMethods.byName(t.methodId()).orElseThrow();
            tiles.submitQueued(stale -> besideRandom(b, ex, t.layer(), m, stale), r -> {
                if (state.shown.get() != ex || grid.tiles().size() <= tile || grid.tiles().get(tile) != t) return;
                grid.showScore(tile, new double[] {r[0].deletion(), r[0].insertion(), r[1].deletion(), r[1].insertion()});
            }, e -> { });
        }
        if (waiting.isEmpty()) return;
        ComparisonView.TileSpec next = waiting.get(0);
        CamMethod m = CamMethods.byName(next.methodId()).orElseThrow();
        tiles.submitQueued(stale -> ModelPassCams.compute(m, b, ex, next.layer(), k -> { }, state.modelTurns.lettingThrough(stale)), map -> {
            if (state.shown.get() == ex) redrawGrid.run();
        }, e -> { });
    }

    /** A map's scores and the random map's, the worklist's predictions let through between their batches. */
    private FaithfulnessRunner.Result[] besideRandom(ModelBundle b, ExplainedImage ex, String layer, CamMethod m, BooleanSupplier stale)
            throws Exception {
        BooleanSupplier stop = state.modelTurns.lettingThrough(stale);
        return new FaithfulnessRunner.Result[] {FaithfulnessRunner.measure(b, ex, layer, m, stop), FaithfulnessRunner.measure(b, ex, baselineLayer(b, ex), RANDOM, stop)};
    }

    /**
     * The layer the random baseline is drawn at: the model's default one for every tile and the
     * shown map alike, so that an image has one baseline (drawn at each layer's size it scored
     * 0.12 to 0.50 in deletion on phantom-04).
     */
    private static String baselineLayer(ModelBundle b, ExplainedImage ex) {
        String d = b.manifest().defaultLayer();
        return ex.hasLayer(d) ? d : ex.pass().tapNames().iterator().next();
    }

    /** Another map is coming: the shown one's measuring stops (the grid's goes on). */
    void stopShown() {
        delay.stop();
        shown.supersede();
        label.setText("");
    }

    /** Another image or label: all measuring stops. */
    void stopAll() {
        stopShown();
        tiles.supersede();
    }
}
