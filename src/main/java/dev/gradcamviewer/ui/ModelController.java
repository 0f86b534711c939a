package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.model.ModelBundle;
import javafx.scene.control.Label;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * The model: opened on the engine thread (a bundle that cannot be opened leaves the previous one in
 * place), then its panels, tree and comparison filled, the default layer and the predicted label
 * chosen, and every image explained and predicted again. The old model is freed on the engine thread.
 */
final class ModelController {
    /** The panels a model fills. */
    record Views(ModelPanel model, PredictionPanel prediction, LayerPicker layers, ComparisonView comparison, Label notice) { }

    private final ViewerState state;
    private final CamEngine engine;
    private final ExecutorService engineThread;
    private final LatestOnly loads;
    private final Views views;
    private final StatusLine status;
    private final ViewerSettings settings;
    private final Runnable modelChanged;

    ModelController(ViewerState state, CamEngine engine, ExecutorService engineThread, Views views, StatusLine status,
                    ViewerSettings settings, Runnable modelChanged) {
        this.state = state;
        this.engine = engine;
        this.engineThread = engineThread;
        this.loads = new LatestOnly(engineThread);
        this.views = views;
        this.status = status;
        this.settings = settings;
        this.modelChanged = modelChanged;
    }

    void load(Path path) {
        status.begin(loads, "Loading model " + path.getFileName() + "\u2026");
        loads.submit(() -> engine.open(path), b -> {
            StartupTiming.mark("model handed to the window");
            status.end(loads);
            ModelBundle old = state.bundle.get();
            state.bundle.set(b);
            if (old != null) engineThread.submit(old::close);
            views.model().show(b);
            views.prediction().setLabels(b.labels());
            state.target = -1;
            state.layer = b.manifest().defaultLayer();
            views.layers().show(b.tree(), state.layer);
            views.comparison().setLayers(b.tapNames(), ComparisonView.blockLayers(b));
            settings.put("model", path.toAbsolutePath().toString());
            views.notice().setVisible(!b.hasManifest());
            views.notice().setText(b.hasManifest() ? "" : "This model has no Grad-CAM manifest: it predicts, but CAMs need a bundle made by models/tools/export_model.py.");
            status.say("Model " + b.name() + " loaded");
            modelChanged.run();
        }, e -> {
            status.end(loads);
            status.fail("Could not open the model " + path.getFileName() + ": " + UiText.reason(e)
                    + (state.bundle.get() != null ? ". The previous model stays." : ""));
        });
    }

    /** Frees the model once the work queued for it is done (the window is gone). */
    void release() {
        ModelBundle b = state.bundle.get();
        if (b != null) engineThread.submit(b::close);
    }
}
