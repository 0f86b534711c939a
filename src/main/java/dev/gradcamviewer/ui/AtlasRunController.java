package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.AtlasMaps;
import dev.gradcamviewer.app.AtlasOutputs;
import dev.gradcamviewer.app.AtlasRows;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.Explainer;
import dev.gradcamviewer.app.FlaggedThumbnails;
import dev.gradcamviewer.atlas.LocalisationReduction;
import dev.gradcamviewer.atlas.Outcomes;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.files.FolderLock;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.ui.atlas.AtlasView;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * An atlas of the worklist made from the viewer: one image at a time on the model's thread (each
 * its own task, so that the shown image's passes and the worklist's predictions go between them),
 * with progress in the Atlas tab and Cancel; the files written (marked partial when cancelled) and
 * the atlas opened. The same per-image work and outputs as `gradcam-viewer atlas` (Grad-CAM and
 * HiResCAM, and the chosen method, at the current layer).
 */
final class AtlasRunController {
    private final ViewerState state;
    private final AtlasView view;
    private final StatusLine status;
    private final LatestOnly runs;
    private final ExecutorService writer = LatestOnly.thread("atlas-write");
    private final Consumer<Path> opened;

    AtlasRunController(ViewerState state, AtlasView view, StatusLine status, ExecutorService engineThread, Consumer<Path> opened) {
        this.state = state;
        this.view = view;
        this.status = status;
        this.runs = new LatestOnly(engineThread);
        this.opened = opened;
        view.setOnCancel(this::cancel);
    }

    /** The state of one run. */
    private final class Run {
        final Path out;
        final List<Path> files;
        final ModelBundle bundle;
        final AtlasMaps maps;
        final AtlasRows rows;
        final AtlasOutputs outputs;
        final FlaggedThumbnails thumbs;
        final FolderLock lock;
        final List<String> layers;
        final Explainer explainer;
        boolean cancelled;

        Run(Path out, List<Path> files, ModelBundle bundle, List<CamMethod> methods, String layer, Placement placement, FolderLock lock) {
            this.out = out;
            this.files = files;
            this.bundle = bundle;
            this.lock = lock;
            this.layers = List.of(layer);
            Outcomes outcomes = new Outcomes(bundle.labels());
            this.rows = new AtlasRows(outcomes);
            this.thumbs = new FlaggedThumbnails(12, new HeatColorizer(Colormap.of("jet"), 2), 0.4);
            LocalisationReduction localisation = new LocalisationReduction();
            this.maps = new AtlasMaps(new AtlasMaps.Settings(layers, methods, placement, null, null, outcomes, null, false, bundle.labels(), localisation, false),
                    bundle, AtlasMaps.ModelCalls::direct, thumbs);
            this.outputs = new AtlasOutputs(out, bundle, layers, methods, placement, null, null, null, localisation, List.of());
            this.explainer = new Explainer(bundle);
        }
    }

    private Run current;

    boolean running() { return current != null; }

    /** Starts an atlas of the worklist into {@code out} (a message says why not, when it cannot). */
    void start(Path out, CamMethod chosen, Placement placement) {
        ModelBundle b = state.bundle.get();
        if (current != null) {
            status.fail("An atlas is being made already; cancel it first");
            return;
        }
        if (b == null || !b.hasManifest()) {
            status.fail("Load a model with a Grad-CAM manifest first");
            return;
        }
        List<Path> files = new ArrayList<>(state.images);
        if (files.isEmpty()) {
            status.fail("Open images first: the atlas is made of the worklist");
            return;
        }
        FolderLock lock;
        try {
            java.nio.file.Files.createDirectories(out);
            lock = FolderLock.acquire(out, "the viewer's atlas");
        } catch (Exception e) {
            status.fail(out + " cannot be written to: " + dev.gradcamviewer.app.Failures.message(e));
            return;
        }
        List<CamMethod> methods = new ArrayList<>(List.of(CamMethods.byName("gradcam").orElseThrow(), CamMethods.byName("hirescam").orElseThrow()));
        if (methods.stream().noneMatch(m -> m.id().equals(chosen.id())) && !chosen.needsModelPasses()) methods.add(chosen);
        String layer = state.layer != null && b.tapNames().contains(state.layer) ? state.layer : b.manifest().defaultLayer();
        current = new Run(out, files, b, methods, layer, placement, lock);
        view.showProgress(0, files.size());
        status.begin(runs, "Making an atlas of " + files.size() + " images\u2026");
        Run run = current;
        runs.submit(stale -> one(run, 0, stale), i -> next(run, i), e -> finish(run, e));
    }

    /** Image {@code i} of the run, on the model's thread; returns the next index. */
    private int one(Run run, int i, java.util.function.BooleanSupplier stale) {
        if (stale.getAsBoolean()) return i;
        Path file = run.files.get(i);
        long start = System.nanoTime();
        try {
            var image = dev.gradcamviewer.imaging.ImageDecoder.decode(file);
            var input = dev.gradcamviewer.app.ModelInputs.preprocess(image, run.bundle.manifest().input());
            ExplainedImage ex = run.explainer.explain(file, image, input, run.maps.targetOf(file), Score.LOGIT, run.layers);
            run.maps.maps(ex);
            run.rows.addAll(run.maps.results(file, ex, start, () -> { }));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            run.rows.add(run.maps.noOutput(file, (System.nanoTime() - start) / 1_000_000, "failed: " + dev.gradcamviewer.app.Failures.message(e)));
        }
        return i + 1;
    }

    private void next(Run run, int i) {
        view.showProgress(i, run.files.size());
        if (i < run.files.size() && !run.cancelled) {
            runs.submitQueued(stale -> one(run, i, stale), k -> next(run, k), e -> finish(run, e));
        } else {
            finish(run, null);
        }
    }

    private void cancel() {
        Run run = current;
        if (run == null) return;
        run.cancelled = true;
        runs.supersede(); // the image in flight finishes; nothing more is asked
        finish(run, null);
    }

    /** Writes the atlas (off the FX thread) and opens it. */
    private void finish(Run run, Throwable failure) {
        if (current != run) return;
        current = null;
        status.end(runs);
        view.showProgress(-1, 0);
        boolean partial = run.cancelled || failure != null || run.rows.copy().stream().map(r -> r.image()).distinct().count() < run.files.size();
        writer.submit(() -> {
            try (run.lock) {
                java.util.Set<String> reached = new java.util.HashSet<>();
                for (var r : run.rows.copy()) reached.add(r.image());
                for (Path f : run.files) {
                    if (!reached.contains(dev.gradcamviewer.files.PathNames.shown(f))) run.rows.add(run.maps.noOutput(f, 0, "not done: cancelled"));
                }
                var all = run.rows.copy();
                run.outputs.write(all, run.rows.summaries(), run.thumbs, partial);
                javafx.application.Platform.runLater(() -> {
                    status.say("Atlas of " + all.stream().filter(r -> r.done()).map(r -> r.image()).distinct().count() + " images written to " + run.out
                            + (partial ? " (partial)" : ""));
                    opened.accept(run.out);
                });
            } catch (Exception e) {
                javafx.application.Platform.runLater(() -> status.fail("The atlas could not be written: " + dev.gradcamviewer.app.Failures.message(e)));
            }
        });
    }
}
