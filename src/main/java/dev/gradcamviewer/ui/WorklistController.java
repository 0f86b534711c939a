package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Thumbnails;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.review.FileDigest;
import javafx.scene.image.Image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The worklist: opened images and folders become its items (with their saved verdicts), stepping
 * and choosing make one current, and every item gets its prediction and thumbnail in the
 * background, one at a time on the engine thread so that the shown image's pass goes first.
 */
final class WorklistController {
    private final ViewerState state;
    private final WorklistPanel worklist;
    private final ReviewController review;
    private final CamEngine engine;
    private final StatusLine status;
    private final Runnable showCurrent;
    private final LatestOnly predictions;
    private volatile boolean predicting;

    WorklistController(ViewerState state, WorklistPanel worklist, ReviewController review, CamEngine engine,
                       ExecutorService engineThread, StatusLine status, Runnable showCurrent) {
        this.state = state;
        this.worklist = worklist;
        this.review = review;
        this.engine = engine;
        this.status = status;
        this.showCurrent = showCurrent;
        this.predictions = new LatestOnly(engineThread, state.modelTurns);
        worklist.setOnChosen(item -> {
            int i = state.images.indexOf(item.file);
            if (i >= 0 && i != state.index) {
                state.index = i;
                showCurrent.run();
            }
        });
        worklist.setOnCancel(() -> {
            predicting = false;
            predictions.supersede();
            worklist.setProgress(0, false);
            status.say("Predictions for the worklist cancelled");
        });
    }

    /**
     * Images and folders (already told apart from models): the images found become the worklist and
     * the first is shown. Returns the folder whose review file is used, or null when none was found.
     */
    Path open(List<Path> candidates) {
        List<Path> found = ImageFiles.expand(candidates);
        if (found.isEmpty()) {
            status.fail("No images found in " + candidates.get(0).getFileName());
            return null;
        }
        Path first = candidates.get(0);
        Path folder = Files.isDirectory(first) ? first : first.toAbsolutePath().getParent();
        review.open(folder);
        state.images.clear();
        state.work.clear();
        List<WorkItem> items = new ArrayList<>();
        for (Path f : found) {
            WorkItem item = new WorkItem(f, ReviewController.key(folder, f));
            review.restore(item);
            state.work.put(f, item);
            items.add(item);
        }
        worklist.setItems(items);
        state.images.addAll(worklist.shown().stream().map(i -> i.file).toList());
        state.index = 0;
        worklist.select(state.work.get(state.images.get(0)));
        showCurrent.run();
        startPredictions();
        return folder;
    }

    void show(WorkItem item) {
        int i = state.images.indexOf(item.file);
        if (i < 0) return;
        state.index = i;
        worklist.select(item);
        showCurrent.run();
    }

    /** PgDn / PgUp: the next or previous item as the worklist shows them (sorted, filtered). */
    void step(int delta) {
        if (state.images.isEmpty()) return;
        List<WorkItem> order = worklist.shown();
        WorkItem current = state.currentItem();
        int at = current == null ? -1 : order.indexOf(current);
        int next = Math.max(0, Math.min(order.size() - 1, at + delta));
        if (order.isEmpty() || next == at) return;
        show(order.get(next));
    }

    /** A new model: every prediction again. */
    void modelChanged() {
        for (WorkItem item : worklist.items()) {
            item.prediction.set(null);
            if (!item.problem.get().equals("changed since its review")) item.problem.set("");
        }
        startPredictions();
    }

    private void startPredictions() {
        predicting = true;
        predictNext();
    }

    private void predictNext() {
        ModelBundle b = state.bundle.get();
        List<WorkItem> todo = worklist.items().stream().filter(i -> i.prediction.get() == null && i.problem.get().isEmpty()).toList();
        int total = worklist.items().size();
        worklist.setProgress(total == 0 ? 1 : (double) (total - todo.size()) / total, predicting && !todo.isEmpty());
        if (!predicting || b == null || todo.isEmpty()) {
            predicting = false;
            return;
        }
        WorkItem next = todo.get(0);
        predictions.submit(() -> {
            next.sha256 = FileDigest.sha256(next.file);
            DecodedImage img = ImageDecoder.decode(next.file);
            int[] dims = new int[2];
            int[] thumb = Thumbnails.argb(img, 48, dims);
            return new Predicted(engine.predict(b, img), Swatches.argb(thumb, dims[0], dims[1]));
        }, r -> {
            next.thumbnail.set(r.thumbnail());
            next.prediction.set(r.prediction());
            review.checkUnchanged(next);
            predictNext();
        }, e -> {
            next.problem.set(UiText.reason(e));
            predictNext();
        });
    }

    private record Predicted(Prediction prediction, Image thumbnail) { }
}
