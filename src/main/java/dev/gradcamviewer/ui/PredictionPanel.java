package dev.gradcamviewer.ui;

import dev.gradcamviewer.model.Prediction;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Each label's probability as a bar (the top ten for big label sets; every finding of a
 * multi-label model, each one at 0.5 or above in bold), and the label to explain.
 */
final class PredictionPanel extends VBox {
    private static final String PREDICTED = "Predicted label";
    private static final int MAX_FINDINGS = 40;
    private final VBox bars = new VBox(3);
    private final ComboBox<String> target = new ComboBox<>();
    private IntConsumer onTarget = t -> { };
    private boolean updating;

    PredictionPanel() {
        super(6);
        setId("prediction-panel");
        target.setId("target");
        target.setMaxWidth(Double.MAX_VALUE);
        HBox row = new HBox(6, new Label("Explain"), target);
        HBox.setHgrow(target, Priority.ALWAYS);
        getChildren().addAll(bars, row);
        target.valueProperty().addListener((o, a, b) -> {
            if (updating || b == null) return;
            onTarget.accept(b.equals(PREDICTED) ? -1 : target.getItems().indexOf(b) - 1);
        });
    }

    void setOnTargetChosen(IntConsumer c) { onTarget = c; }

    void setLabels(List<String> labels) {
        updating = true;
        List<String> items = new ArrayList<>();
        items.add(PREDICTED);
        items.addAll(labels);
        target.getItems().setAll(items);
        target.setValue(PREDICTED);
        bars.getChildren().clear();
        updating = false;
    }

    /** Another image is on its way: no bars until its prediction arrives. */
    void clear() { bars.getChildren().clear(); }

    void show(Prediction p, int chosenTarget) {
        bars.getChildren().clear();
        int n = p.probabilities().length;
        // a multi-label model's findings are all listed (CheXNet has 14), a classifier's top ten
        List<Integer> order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble(i -> -p.probabilities()[i])).limit(10).toList();
        if (n <= 10 || (p.multiLabel() && n <= MAX_FINDINGS)) order = IntStream.range(0, n).boxed().toList();
        for (int i : order) {
            ProgressBar bar = new ProgressBar(p.probabilities()[i]);
            bar.setMaxWidth(Double.MAX_VALUE);
            Label name = new Label(p.labels().get(i));
            name.setMinWidth(90);
            if (p.isPositive(i)) name.setStyle("-fx-font-weight: bold;");
            Label pct = new Label(String.format(Locale.ROOT, "%5.1f %%", 100 * p.probabilities()[i]));
            pct.setMinWidth(55);
            HBox row = new HBox(6, name, bar, pct);
            row.setId("prob-" + i);
            HBox.setHgrow(bar, Priority.ALWAYS);
            bars.getChildren().add(row);
        }
        updating = true;
        target.setValue(chosenTarget < 0 ? PREDICTED : target.getItems().get(chosenTarget + 1));
        updating = false;
    }
}
