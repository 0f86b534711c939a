package dev.gradcamviewer.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

import java.util.List;

/** Above the image: its name, and toggles for the heat (H), fitting (F) and actual pixels (Z) that show their state. */
final class ImageToolbar {
    private ImageToolbar() { }

    static HBox bar(ImagePane imagePane, Label imageLabel, List<javafx.scene.control.Control> windowing) {
        ToggleButton heat = new ToggleButton("Heat (H)");
        heat.setId("heat-toggle");
        heat.selectedProperty().bindBidirectional(imagePane.heatShownProperty());
        heat.setTooltip(new Tooltip("Show or hide the heat layer (H; hold Space to look under it)"));
        ToggleButton fit = new ToggleButton("Fit (F)");
        fit.setId("fit-toggle");
        fit.setTooltip(new Tooltip("Fit the image to the window (F)"));
        ToggleButton actual = new ToggleButton("1:1 (Z)");
        actual.setId("actual-toggle");
        actual.setTooltip(new Tooltip("Show the image's own pixels, one to one (Z)"));
        Runnable sync = () -> {
            fit.setSelected(imagePane.fittedProperty().get());
            actual.setSelected(Math.abs(imagePane.zoomProperty().get() - 1) < 1e-9);
        };
        imagePane.fittedProperty().addListener((o, a, b) -> sync.run());
        imagePane.zoomProperty().addListener((o, a, b) -> sync.run());
        fit.setOnAction(e -> { imagePane.fit(); sync.run(); });
        actual.setOnAction(e -> { imagePane.oneToOne(); sync.run(); });
        for (ToggleButton b : List.of(heat, fit, actual)) {
            b.setFocusTraversable(false);
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox bar = new HBox(4, imageLabel, gap);
        for (javafx.scene.control.Control c : windowing) {
            c.setFocusTraversable(false);
            c.setMinWidth(Region.USE_PREF_SIZE);
            bar.getChildren().add(c);
        }
        bar.getChildren().addAll(heat, fit, actual);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(0, 4, 0, 0));
        return bar;
    }
}
