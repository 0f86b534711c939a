package dev.gradcamviewer.ui;

import dev.gradcamviewer.model.ModelBundle;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/** Name, description, file, SHA-256 (short; full on hover), tapped layer count and preprocessing of the model. */
final class ModelPanel extends VBox {
    private final Label name = new Label("No model");
    private final Label description = new Label();
    private final Label file = new Label();
    private final Label sha = new Label();
    private final Label taps = new Label();
    private final Label dicomInput = new Label();
    private final Label input = new Label();

    ModelPanel() {
        super(3);
        setId("model-panel");
        name.setStyle("-fx-font-weight: bold;");
        name.setWrapText(true);
        description.setWrapText(true);
        description.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        name.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        description.setId("model-description");
        dicomInput.setId("model-dicom-input");
        dicomInput.setWrapText(true);
        dicomInput.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        input.setId("model-preprocessing");
        input.setWrapText(true);
        input.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        getChildren().addAll(name, description, file, sha, taps, input, dicomInput);
    }

    void show(ModelBundle b) {
        name.setText(b.name());
        String d = b.manifest().model().description();
        description.setText(d == null ? "" : d);
        boolean warn = d != null && d.toLowerCase(java.util.Locale.ROOT).contains("not for clinical use");
        description.getStyleClass().remove("warning-text");
        if (warn) description.getStyleClass().add("warning-text");
        file.setText("File: " + b.file().getFileName());
        sha.setText("SHA-256: " + b.sha256().substring(0, 12) + "…");
        sha.setTooltip(new Tooltip(b.sha256()));
        taps.setText(b.hasManifest() ? b.tapNames().size() + " tapped layers" : "no Grad-CAM manifest: prediction only");
        input.setText(dev.gradcamviewer.app.ModelInputs.describe(b.manifest().input()));
        dicomInput.setText(dev.gradcamviewer.app.ModelInputs.describe(b.manifest().input().dicomWindowRule()));
    }
}
