package dev.gradcamviewer.ui;

import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.Score;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The "Display" panel: method, opacity, colormap and emphasis (with the colour bar they give),
 * score and placement, started from the remembered settings. The window listens to the controls.
 */
final class DisplayControls {
    final ComboBox<CamMethod> method = new ComboBox<>();
    final Slider alpha = new Slider(0, 1, 0.4);
    final ComboBox<String> colormap = new ComboBox<>();
    final Slider emphasis = new Slider(0.25, 4, 2);
    final ImageView colourBar = new ImageView();
    final ComboBox<Score> score = new ComboBox<>();
    final ComboBox<Placement> placement = new ComboBox<>();
    final CheckBox eigenSmooth = new CheckBox("Eigen");
    final CheckBox augSmooth = new CheckBox("Aug");
    final ComboBox<dev.gradcamviewer.imaging.HeatColorizer.Fade> fade = new ComboBox<>();
    final Slider threshold = new Slider(0, 0.5, 0);
    private final VBox panel;

    DisplayControls(ViewerSettings settings) {
        alpha.setValue(settings.getDouble("alpha", 0.4));
        alpha.setId("alpha");
        alpha.setShowTickLabels(true);
        alpha.setMajorTickUnit(0.5);

        List<String> maps = new ArrayList<>();
        for (String n : Colormap.names()) {
            maps.add(n);
            maps.add(n + "_r");
        }
        colormap.getItems().setAll(maps);
        colormap.setCellFactory(l -> new ColormapCell());
        colormap.setButtonCell(new ColormapCell());
        colormap.setId("colormap");
        String savedMap = settings.get("colormap", "jet");
        colormap.setValue(maps.contains(savedMap) ? savedMap : "jet");

        emphasis.setValue(settings.getDouble("emphasis", 2));
        emphasis.setId("emphasis");
        emphasis.setShowTickLabels(true);
        emphasis.setMajorTickUnit(1);
        Tooltip.install(emphasis, new Tooltip("Emphasis: the map is raised to this power before colouring.\n"
                + "1 colours it as computed; 2 (the default) quietens the weak evidence so that the strongest stands out;\n"
                + "below 1 brings weak evidence up. It changes the colours only, never the map or the model."));

        choices(score, "score", List.of(Score.values()), Score.LOGIT, UiText::scoreName,
                "Logit: the score before the sigmoid/softmax; it keeps a gradient when the model is sure.\n"
                        + "Probability: the output itself, as the article does; a sure model's output has no gradient.");
        choices(placement, "placement", List.of(Placement.values()), Placement.RECEPTIVE_FIELD, UiText::placementName,
                "Receptive field: each cell on the centre of the pixels it sees.\n"
                        + "Resize: half-pixel resizing, as the article and other tools do (half a stride down and right).");
        choices(method, "method", CamMethods.FOR_VIEWER, CamMethods.byName(settings.get("method", "gradcam")).orElse(CamMethods.ALL.get(0)),
                CamMethod::displayName, null);

        eigenSmooth.setId("eigen-smooth");
        eigenSmooth.setSelected(settings.getBoolean("eigenSmooth", false));
        eigenSmooth.setTooltip(new Tooltip("Eigen-smooth: the first principal component of the method's weighted activations instead of their sum\n"
                + "(pytorch-grad-cam's eigen_smooth): keeps the dominant pattern, drops noise.\n"
                + "For the methods that weigh activations; no extra pass of the model."));
        augSmooth.setId("aug-smooth");
        augSmooth.setSelected(settings.getBoolean("augSmooth", false));
        augSmooth.setTooltip(new Tooltip("Aug-smooth: the map averaged over the image mirrored or not, times 0.9, 1 and 1.1\n"
                + "(pytorch-grad-cam's aug_smooth): six passes of the model, with progress.\n"
                + "Not for Score-CAM and Ablation-CAM, which make passes of their own."));
        var savedFade = settings.get("fade", "fade").equals("fade") ? dev.gradcamviewer.imaging.HeatColorizer.Fade.FADE
                : dev.gradcamviewer.imaging.HeatColorizer.Fade.SOLID;
        choices(fade, "fade", List.of(dev.gradcamviewer.imaging.HeatColorizer.Fade.values()), savedFade,
                f -> f == dev.gradcamviewer.imaging.HeatColorizer.Fade.FADE ? "Fade" : "Solid",
                "Solid: the heat at the chosen opacity everywhere, as the article draws it.\n"
                        + "Fade (the default): each pixel's opacity times the map's value there, so weak evidence fades out and\n"
                        + "the radiograph shows through where the model found nothing.");
        threshold.setValue(settings.getDouble("threshold", 0));
        threshold.setId("threshold");
        threshold.setShowTickLabels(true);
        threshold.setMajorTickUnit(0.25);
        Tooltip.install(threshold, new Tooltip("Heat is drawn where the map is at least this (0 draws every value)."));
        method.valueProperty().addListener((o, a, b) -> enableSmoothing());
        enableSmoothing();

        colourBar.setFitWidth(260);
        colourBar.setFitHeight(14);
        panel = new VBox(6,
                row("Method", method), row("Smoothing", new HBox(16, eigenSmooth, augSmooth)), valueRow("Opacity", alpha, "%.0f %%", 100), heatRow(), row("Colormap", colormap),
                valueRow("Emphasis", emphasis, "x^%.2f", 1),
                new VBox(2, colourBar, new HBox(230, new Label("0"), new Label("1"))),
                row("Score", score), row("Placement", placement));
        panel.setPadding(new Insets(6));
    }

    VBox panel() { return panel; }

    /** The chosen method with the smoothing that is ticked and applies to it. */
    CamMethod chosen() { return smoothedAsTicked(method.getValue()); }

    /** Any method with the ticked smoothing where it applies: every tile of Compare's method grid. */
    CamMethod smoothedAsTicked(CamMethod m) {
        return CamMethods.smoothed(m, eigenSmooth.isSelected() && CamMethods.eigenSmoothable(m),
                augSmooth.isSelected() && CamMethods.augSmoothable(m));
    }

    private void enableSmoothing() {
        CamMethod m = method.getValue();
        eigenSmooth.setDisable(m == null || !CamMethods.eigenSmoothable(m));
        augSmooth.setDisable(m == null || !CamMethods.augSmoothable(m));
    }

    /** Remembers the choices for the next run. */
    void save(ViewerSettings settings) {
        settings.put("colormap", colormap.getValue());
        settings.putDouble("alpha", alpha.getValue());
        settings.putDouble("emphasis", emphasis.getValue());
        settings.put("method", method.getValue().id());
        settings.putBoolean("eigenSmooth", eigenSmooth.isSelected());
        settings.putBoolean("augSmooth", augSmooth.isSelected());
        settings.put("fade", fade.getValue().id());
        settings.putDouble("threshold", threshold.getValue());
    }

    private static <T> void choices(ComboBox<T> box, String id, List<T> values, T first, Function<T, String> name, String tip) {
        box.getItems().setAll(values);
        box.setValue(first);
        box.setCellFactory(l -> new NamedCell<>(name));
        box.setButtonCell(new NamedCell<>(name));
        if (tip != null) box.setTooltip(new Tooltip(tip));
        box.setId(id);
    }

    /** A slider's row with its current value beside it ({@code format} of value x {@code scale}). */
    /** Fade and threshold on one row: the panel stays as tall as it was, and the layer tree keeps its room. */
    private HBox heatRow() {
        threshold.setPrefWidth(56);
        threshold.setMinWidth(40);
        fade.setMinWidth(96);
        fade.setPrefWidth(96);
        threshold.setShowTickLabels(false);
        Label value = new Label();
        value.setId("threshold-value");
        value.setMinWidth(44);
        value.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, "\u2265 %.2f", threshold.getValue()), threshold.valueProperty()));
        HBox box = row("Heat", fade);
        box.getChildren().addAll(threshold, value);
        return box;
    }

    private static HBox valueRow(String label, Slider slider, String format, double scale) {
        Label value = new Label();
        value.setMinWidth(56);
        value.setId(slider.getId() == null ? null : slider.getId() + "-value");
        value.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, format, slider.getValue() * scale), slider.valueProperty()));
        HBox box = row(label, slider);
        box.getChildren().add(value);
        return box;
    }

    /** A bold heading over a panel that takes the height left. */
    static VBox titled(String title, Node content) {
        Label l = new Label(title);
        l.setStyle("-fx-font-weight: bold;");
        VBox box = new VBox(4, l, content);
        VBox.setVgrow(content, Priority.ALWAYS);
        return box;
    }

    static HBox row(String label, Node control) {
        Label l = new Label(label);
        l.setMinWidth(80);
        HBox box = new HBox(6, l, control);
        HBox.setHgrow(control, Priority.ALWAYS);
        return box;
    }

    private static final class ColormapCell extends ListCell<String> {
        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
            } else {
                setText(item);
                setGraphic(new ImageView(Swatches.gradient(Colormap.of(item), 1, 80, 12)));
            }
        }
    }

    static final class NamedCell<T> extends ListCell<T> {
        private final Function<T, String> name;

        NamedCell(Function<T, String> name) { this.name = name; }

        @Override
        protected void updateItem(T item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : name.apply(item));
        }
    }
}
