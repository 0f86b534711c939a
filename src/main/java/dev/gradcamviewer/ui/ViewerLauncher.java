package dev.gradcamviewer.ui;

import javafx.application.Application;

/** Starts the JavaFX viewer. */
public final class ViewerLauncher {
    private ViewerLauncher() { }

    public static void launch(String[] args) {
        Application.launch(ViewerApp.class, args);
    }
}
