package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.app.ModelInputs;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Prediction;
import javafx.application.Application;
import javafx.concurrent.Task;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The first window: the bundled demo model and a sample image with the model's prediction.
 * (The full viewer with heatmaps, layer picker and controls is being built on top of this.)
 */
public final class ViewerApp extends Application {
    private final Label modelLabel = new Label("Loading the demo model…");
    private final Label notice = new Label();
    private final Label prediction = new Label();
    private final ImageView imageView = new ImageView();

    @Override
    public void start(Stage stage) {
        imageView.setPreserveRatio(true);
        imageView.setFitWidth(720);
        imageView.setFitHeight(720);
        notice.setWrapText(true);
        notice.setStyle("-fx-text-fill: #b00020; -fx-font-weight: bold;");
        VBox side = new VBox(10, modelLabel, notice, prediction);
        side.setPadding(new Insets(12));
        side.setPrefWidth(320);
        BorderPane root = new BorderPane(imageView);
        root.setRight(side);
        root.setId("viewer-root");
        stage.setTitle("Grad-CAM Viewer");
        stage.setScene(new Scene(root, 1100, 760));
        stage.show();
        startFirstScreen();
    }

    private void startFirstScreen() {
        Task<Object[]> task = new Task<>() {
            @Override
            protected Object[] call() throws Exception {
                Path modelPath = BundledFiles.demoModel().orElseThrow(() -> new IllegalStateException("the bundled demo model was not found"));
                Path sample = BundledFiles.firstSample().orElseThrow(() -> new IllegalStateException("the bundled sample images were not found"));
                try (ModelBundle bundle = ModelBundle.open(modelPath)) {
                    DecodedImage img = ImageDecoder.decode(sample);
                    Prediction p = bundle.predict(ModelInputs.preprocess(img, bundle.manifest().input()).tensor());
                    BufferedImage shown = ImageIO.read(sample.toFile());
                    return new Object[] {bundle.name(), bundle.manifest().model().description(), sample.getFileName().toString(), p, shown};
                }
            }
        };
        task.setOnSucceeded(e -> {
            Object[] r = task.getValue();
            Prediction p = (Prediction) r[3];
            modelLabel.setText("Model: " + r[0]);
            notice.setText(String.valueOf(r[1]));
            prediction.setText(String.format(Locale.ROOT, "%s%nPrediction: %s (%.1f %%)", r[2], p.predictedLabel(),
                    100 * p.probability(p.predicted())));
            imageView.setImage(SwingFXUtils.toFXImage((BufferedImage) r[4], null));
        });
        task.setOnFailed(e -> modelLabel.setText("Could not open the demo: " + task.getException().getMessage()));
        Thread t = new Thread(task, "first-screen");
        t.setDaemon(true);
        t.start();
    }
}
