package dev.gradcamviewer;

import dev.gradcamviewer.cli.GradcamCommand;

/** Entry point: with arguments the command line, without them the viewer. Not an Application subclass, so JavaFX can sit on the class path. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        if (args.length == 0) {
            dev.gradcamviewer.ui.ViewerLauncher.launch(args);
            return;
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(GradcamCommand.execute(args));
    }
}
