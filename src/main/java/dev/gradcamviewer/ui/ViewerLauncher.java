package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.app.PrefetchingEngine;
import javafx.application.Application;

import java.nio.file.Path;

/** Starts the JavaFX viewer, with the model work of its first screen started beside the window's. */
public final class ViewerLauncher {
    private ViewerLauncher() { }

    public static void launch(String[] args) {
        ViewerApp.engine = engineFor(args);
        Application.launch(ViewerApp.class, args);
    }

    private static CamEngine engineFor(String[] args) {
        if (args.length > 0) return CamEngine.djl();
        Path model = ViewerApp.initialModel(ViewerSettings.standard());
        if (model == null) return CamEngine.djl();
        return PrefetchingEngine.start(model, BundledFiles.firstSample().orElse(null));
    }
}
