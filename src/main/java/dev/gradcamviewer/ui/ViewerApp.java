package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.app.CamEngine;
import javafx.application.Application;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The viewer application: opens with the last model used (the bundled demo model on the first
 * run) and the bundled sample images, the first one showing its Grad-CAM.
 */
public final class ViewerApp extends Application {
    /** The engine the launcher prepared (with the first screen's work already started), else the plain one. */
    static CamEngine engine;
    private ViewerWindow window;

    @Override
    public void start(Stage stage) {
        org.slf4j.LoggerFactory.getLogger(ViewerApp.class).debug("viewer: JavaFX started");
        ViewerSettings settings = ViewerSettings.standard();
        window = new ViewerWindow(stage, engine != null ? engine : CamEngine.djl(), settings);
        org.slf4j.LoggerFactory.getLogger(ViewerApp.class).debug("viewer: window built");
        openFirstScreen(window, settings, getParameters().getRaw().stream().map(Path::of).toList());
    }

    /** What the window opens with: files given, else the last model (or the demo, saying why) and the samples. */
    static void openFirstScreen(ViewerWindow window, ViewerSettings settings, List<Path> given) {
        Path model = given.stream().filter(p -> p.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".pt")).findFirst()
                .orElseGet(() -> initialModel(settings));
        List<Path> images = given.stream().filter(p -> !p.equals(model)).toList();
        window.open(model, images.isEmpty() ? initialImages() : images);
        String last = settings.get("model", null);
        if (given.isEmpty() && last != null && !Files.isRegularFile(Path.of(last)) && model != null) {
            window.tell("The model used last time, " + last + ", is no longer there: the bundled demo model is open instead.");
        }
    }

    static Path initialModel(ViewerSettings settings) {
        String last = settings.get("model", null);
        if (last != null && Files.isRegularFile(Path.of(last))) return Path.of(last);
        return BundledFiles.demoModel().orElse(null);
    }

    static List<Path> initialImages() {
        List<Path> images = new ArrayList<>();
        BundledFiles.firstSample().ifPresent(first -> {
            images.add(first.getParent());
        });
        return images;
    }

    @Override
    public void stop() {
        if (window != null) window.saveSettingsNow();
    }
}
