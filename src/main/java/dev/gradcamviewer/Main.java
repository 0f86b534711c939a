package dev.gradcamviewer;

import dev.gradcamviewer.cli.GradcamCommand;

/** Entry point: with arguments the command line, without them the viewer. Not an Application subclass, so JavaFX can sit on the class path. */
public final class Main {
    private Main() { }

    /** Files or folders given without a command (a desktop launcher's %F) open in the viewer. */
    static boolean opensInViewer(String[] args) {
        for (String a : args) {
            if (a.startsWith("-") || !java.nio.file.Files.exists(java.nio.file.Path.of(a))) return false;
        }
        return true;
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        if (args.length == 0 || opensInViewer(args)) {
            dev.gradcamviewer.ui.ViewerLauncher.launch(args);
            return;
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(GradcamCommand.executeStoppable(args));
    }
}
