package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.FaithfulnessRunner;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Alert;
import javafx.stage.Stage;

import java.util.Locale;

/** The deletion and insertion curves of the shown map beside the random map's, on request (a click on the scores). */
final class FaithfulnessPlot {
    private FaithfulnessPlot() { }

    static LineChart<Number, Number> chart(FaithfulnessRunner.Result map, FaithfulnessRunner.Result random, String what) {
        NumberAxis x = new NumberAxis("fraction of pixels removed (deletion) or revealed (insertion)", 0, 1, 0.25);
        NumberAxis y = new NumberAxis("probability of the label", 0, 1, 0.25);
        LineChart<Number, Number> chart = new LineChart<>(x, y);
        chart.setCreateSymbols(false);
        chart.setAnimated(false);
        chart.setId("faithfulness-chart");
        chart.setTitle(what);
        chart.getData().add(series(String.format(Locale.ROOT, "deletion, this map (%.3f)", map.deletion()), map.deletionCurve()));
        chart.getData().add(series(String.format(Locale.ROOT, "deletion, random map (%.3f)", random.deletion()), random.deletionCurve()));
        chart.getData().add(series(String.format(Locale.ROOT, "insertion, this map (%.3f)", map.insertion()), map.insertionCurve()));
        chart.getData().add(series(String.format(Locale.ROOT, "insertion, random map (%.3f)", random.insertion()), random.insertionCurve()));
        chart.setPrefSize(640, 420);
        return chart;
    }

    static void show(Stage owner, FaithfulnessRunner.Result map, FaithfulnessRunner.Result random, String what) {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.setTitle("Faithfulness");
        a.setHeaderText("Deletion (lower is better) and insertion (higher is better): the areas under these curves");
        a.getDialogPane().setContent(chart(map, random, what));
        a.getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
        a.initOwner(owner);
        a.show();
    }

    private static XYChart.Series<Number, Number> series(String name, float[] curve) {
        XYChart.Series<Number, Number> s = new XYChart.Series<>();
        s.setName(name);
        for (int i = 0; i < curve.length; i++) s.getData().add(new XYChart.Data<>((double) i / (curve.length - 1), curve[i]));
        return s;
    }
}
