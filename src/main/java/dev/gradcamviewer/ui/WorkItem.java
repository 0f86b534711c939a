package dev.gradcamviewer.ui;

import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.review.Verdict;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;

import java.nio.file.Path;

/** One image of the worklist: its prediction (when computed) and the reviewer's verdict and note. */
final class WorkItem {
    final Path file;
    final String key;
    final SimpleObjectProperty<Prediction> prediction = new SimpleObjectProperty<>();
    final SimpleObjectProperty<Verdict> verdict = new SimpleObjectProperty<>();
    final SimpleStringProperty note = new SimpleStringProperty("");
    final SimpleStringProperty problem = new SimpleStringProperty("");
    final SimpleObjectProperty<javafx.scene.image.Image> thumbnail = new SimpleObjectProperty<>();
    volatile String sha256;

    WorkItem(Path file, String key) {
        this.file = file;
        this.key = key;
    }

    String name() { return file.getFileName().toString(); }

    double predictedProbability() {
        Prediction p = prediction.get();
        return p == null ? -1 : p.probability(p.predicted());
    }
}
