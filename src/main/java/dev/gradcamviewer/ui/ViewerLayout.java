package dev.gradcamviewer.ui;

import java.util.List;

import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.image.Image;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/** Where the viewer's parts sit: the right-hand panels, the Image and Compare tabs, the window itself. */
final class ViewerLayout {
    private ViewerLayout() { }

    /** Model, prediction, a notice when there is one, the layer tree (taking the height left) and the display controls. */
    static ScrollPane rightPanel(ModelPanel model, PredictionPanel prediction, Label notice, LayerPicker layers, DisplayControls display) {
        notice.setWrapText(true);
        notice.setMinHeight(Region.USE_PREF_SIZE);
        notice.setId("notice");
        notice.getStyleClass().add("warning-text");
        notice.managedProperty().bind(notice.visibleProperty());
        notice.setVisible(false);
        VBox right = new VBox(8,
                new TitledPane("Model", model),
                new TitledPane("Prediction", prediction),
                notice,
                DisplayControls.titled("Layer", layers),
                new TitledPane("Display", display.panel()));
        right.setPadding(new Insets(6));
        VBox.setVgrow(right.getChildren().get(3), Priority.ALWAYS);
        ScrollPane scroll = new ScrollPane(right);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.setMinWidth(300);
        return scroll;
    }

    /** The Image tab (the image with its toolbar), the Compare tab and the Atlas tab. */
    static void tabs(TabPane tabs, Tab imageTab, Tab compareTab, Tab atlasTab, ImagePane image, Label imageLabel, ComparisonView comparison,
                     dev.gradcamviewer.ui.atlas.AtlasView atlas, List<javafx.scene.control.Control> windowing) {
        BorderPane centre = new BorderPane(image);
        imageLabel.setPadding(new Insets(2, 6, 2, 6));
        imageLabel.setId("image-label");
        centre.setTop(ImageToolbar.bar(image, imageLabel, windowing));
        imageTab.setContent(centre);
        compareTab.setContent(comparison);
        imageTab.setClosable(false);
        compareTab.setClosable(false);
        compareTab.setId("compare-tab");
        atlasTab.setContent(atlas);
        atlasTab.setClosable(false);
        atlasTab.setId("atlas-tab");
        tabs.getTabs().setAll(imageTab, compareTab, atlasTab);
    }

    /** The window at its remembered size and place, with its title and icons. */
    static Scene scene(Stage stage, ViewerSettings settings, BorderPane root, String title) {
        Scene scene = new Scene(root, settings.getDouble("width", 1280), settings.getDouble("height", 860));
        stage.setScene(scene);
        stage.setTitle(title);
        for (int size : new int[] {32, 64, 128, 256}) {
            var icon = ViewerLayout.class.getResourceAsStream("gradcam-viewer-" + size + ".png");
            if (icon != null) stage.getIcons().add(new Image(icon));
        }
        double x = settings.getDouble("x", Double.NaN);
        double y = settings.getDouble("y", Double.NaN);
        if (!Double.isNaN(x) && !Double.isNaN(y)) {
            stage.setX(x);
            stage.setY(y);
        }
        return scene;
    }
}
