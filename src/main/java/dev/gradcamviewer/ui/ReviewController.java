package dev.gradcamviewer.ui;

import dev.gradcamviewer.review.FileDigest;
import dev.gradcamviewer.review.ReviewCsv;
import dev.gradcamviewer.review.ReviewEntry;
import dev.gradcamviewer.review.ReviewException;
import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.review.ReviewLocation;
import dev.gradcamviewer.review.ReviewStore;
import dev.gradcamviewer.review.Verdict;
import javafx.scene.control.TextInputDialog;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Verdicts and notes for the worklist: the folder's review file (shared by several readers), a
 * verdict saved at once and only for what is on screen, the next unreviewed image after it, and the
 * CSV export.
 */
final class ReviewController {
    /** What the controller needs from the window. */
    record Window(Supplier<WorkItem> current, Supplier<Collection<WorkItem>> items, BooleanSupplier ready,
                  Supplier<OnScreen> onScreen, Consumer<WorkItem> show) { }

    private final Stage stage;
    private final WorklistPanel worklist;
    private final StatusLine status;
    private final Window window;
    private ReviewStore reviews;

    ReviewController(Stage stage, WorklistPanel worklist, StatusLine status, Window window) {
        this.stage = stage;
        this.worklist = worklist;
        this.status = status;
        this.window = window;
    }

    ReviewStore store() { return reviews; }

    /** Opens the review file of a folder (none for loose images); says where verdicts are saved. */
    void open(Path folder) {
        reviews = null;
        if (folder == null) return;
        String forced = System.getProperty("gradcam.reviews");
        Path file = forced != null
                ? ReviewLocation.forFolder(folder, Path.of(forced), p -> false)
                : BundledFiles.isShipped(folder) ? ReviewLocation.forFolder(folder, ReviewLocation.appData(), p -> false)
                : ReviewLocation.forFolder(folder, ReviewLocation.appData());
        try {
            reviews = ReviewStore.open(file);
            worklist.setLocation("Verdicts are saved in " + file);
            if (reviews.setAsideMessage() != null) status.fail(reviews.setAsideMessage());
        } catch (ReviewException e) {
            worklist.setLocation("Verdicts cannot be saved: " + e.getMessage());
            status.fail(e.getMessage());
        }
    }

    /** The image's name in the review file: relative to the reviewed folder. */
    static String key(Path folder, Path file) {
        try {
            return folder == null ? file.getFileName().toString() : folder.toAbsolutePath().relativize(file.toAbsolutePath()).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return file.toAbsolutePath().toString();
        }
    }

    /** Restores an item's verdict and note from the review file. */
    void restore(WorkItem item) {
        if (reviews != null) reviews.get(item.key).ifPresent(r -> {
            item.verdict.set(r.verdict());
            item.note.set(r.note() == null ? "" : r.note());
        });
    }

    /** A reviewed image whose file changed since gets flagged: its verdict was about other pixels. */
    void checkUnchanged(WorkItem item) {
        if (reviews == null || item.sha256 == null) return;
        reviews.get(item.key).ifPresent(r -> {
            if (r.imageSha256() != null && !r.imageSha256().equals(item.sha256)) {
                item.problem.set("changed since its review");
                status.fail(item.name() + " has changed since it was reviewed (" + r.verdict().id() + "): review it again.");
            }
        });
    }

    /**
     * Records the verdict for the shown image (saved at once) and moves to the next unreviewed one.
     * Only for an image whose picture, prediction and map are all on screen: while another image or
     * map is on its way the keys are ignored, with a hint, so that a verdict never lands on an image
     * that was not seen.
     */
    void giveVerdict(Verdict verdict) {
        WorkItem item = window.current().get();
        if (item == null || reviews == null) return;
        if (!window.ready().getAsBoolean()) {
            status.say("Not recorded: " + item.name() + " is still loading. Verdict keys act on an image once its "
                    + "picture, prediction and map are on screen.");
            return;
        }
        if (!record(item, verdict, item.note.get(), "verdict")) return;
        status.say(item.name() + ": " + verdict.id());
        List<WorkItem> order = worklist.shown();
        int at = order.indexOf(item);
        for (int k = 1; k <= order.size(); k++) {
            WorkItem cand = order.get((at + k) % order.size());
            if (cand.verdict.get() == null) {
                window.show().accept(cand);
                return;
            }
        }
    }

    void editNote() {
        WorkItem item = window.current().get();
        if (item == null) return;
        TextInputDialog d = new TextInputDialog(item.note.get());
        d.setTitle("Note");
        d.setHeaderText("Note for " + item.name());
        d.initOwner(stage);
        d.showAndWait().ifPresent(this::setNote);
    }

    /** Sets the shown image's note (saved at once, with its verdict if it has one). */
    void setNote(String note) {
        WorkItem item = window.current().get();
        if (item == null || reviews == null) return;
        record(item, item.verdict.get(), note, "note");
    }

    void exportVerdicts(Path target) {
        if (reviews == null) {
            status.fail("There are no verdicts to export.");
            return;
        }
        try {
            ReviewCsv.write(reviews.entries(), target);
            status.say("Exported " + reviews.entries().size() + " verdicts to " + target.getFileName());
        } catch (java.io.IOException e) {
            status.fail("Could not export the verdicts: " + UiText.reason(e));
        }
    }

    /** Saves the item's verdict and note at once; on failure says so and changes nothing. */
    private boolean record(WorkItem item, Verdict verdict, String note, String what) {
        try {
            if (item.sha256 == null) item.sha256 = FileDigest.sha256(item.file);
            List<String> notices = reviews.put(entryFor(item, verdict, note, window.onScreen().get()));
            if (!notices.isEmpty()) {
                // another viewer saved verdicts in this folder meanwhile: show them, and say so
                for (WorkItem w : window.items().get()) restore(w);
                status.inform(String.join("\n", notices));
            }
        } catch (Exception e) {
            status.fail("The " + what + " was not saved: " + UiText.reason(e));
            return false;
        }
        item.verdict.set(verdict);
        item.note.set(note);
        return true;
    }

    /** The verdict with exactly what was on screen: model, label, score, and the map's layer, method and placement. */
    private static ReviewEntry entryFor(WorkItem item, Verdict verdict, String note, OnScreen s) {
        String targetLabel = s.shown() == null || s.bundle() == null ? "" : s.bundle().labels().get(s.shown().pass().target());
        boolean mapShown = s.heat() != null;
        var dicom = s.shown() == null || !s.shown().file().equals(item.file) ? null : s.shown().image().dicom();
        return new ReviewEntry(item.key, item.sha256, verdict, note, java.time.Instant.now().toString(),
                s.bundle() == null ? "" : s.bundle().name(), s.bundle() == null ? "" : s.bundle().sha256(),
                mapShown ? s.layer() : "", mapShown ? s.method().id() : "", targetLabel, ReviewEntry.currentReviewer(),
                s.shown() == null ? "" : s.shown().pass().score().name().toLowerCase(Locale.ROOT),
                mapShown ? s.placement().id() : "",
                dicom == null ? null : dicom.studyUid(), dicom == null ? null : dicom.seriesUid(), dicom == null ? null : dicom.sopInstanceUid(),
                s.modelInput().isEmpty() ? null : s.modelInput());
    }
}
