package dev.gradcamviewer.app;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the files that ship with the viewer (the demo model and sample images) beside the jar:
 * {@code models/} next to it (installed app) or one folder up (a build's {@code target/}).
 * The system property {@code gradcam.models} overrides the folder.
 */
public final class BundledFiles {
    public static final String DEMO_MODEL = "xray-phantom-demo.pt";
    public static final String FIRST_SAMPLE = "phantom-01-pneumonia.png";

    private BundledFiles() { }

    public static Optional<Path> modelsDir() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("gradcam.models");
        if (prop != null) candidates.add(Path.of(prop));
        Path here = codeLocation();
        if (here != null) {
            candidates.add(here.resolve("models"));
            if (here.getParent() != null) candidates.add(here.getParent().resolve("models"));
        }
        candidates.add(Path.of("models"));
        return candidates.stream().filter(p -> Files.isRegularFile(p.resolve(DEMO_MODEL))).findFirst();
    }

    public static Optional<Path> demoModel() { return modelsDir().map(d -> d.resolve(DEMO_MODEL)); }

    public static Optional<Path> firstSample() {
        return modelsDir().map(d -> d.resolve("samples").resolve(FIRST_SAMPLE)).filter(Files::isRegularFile);
    }

    /**
     * Whether a folder is among the files that ship with the viewer (the samples): the viewer never
     * writes there, even where it could (started as root, its verdicts would stay behind in the
     * installation after the package is removed; in a checkout, among the sources).
     */
    public static boolean isShipped(Path folder) {
        Path f = folder.toAbsolutePath().normalize();
        return modelsDir().map(d -> f.startsWith(d.toAbsolutePath().normalize())).orElse(false);
    }

    /** The folder holding the jar (or the classes folder when run from a build). */
    private static Path codeLocation() {
        try {
            Path p = Path.of(BundledFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
