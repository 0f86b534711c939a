package dev.gradcamviewer.review;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where a folder's verdicts live: {@code gradcam-review.json} beside the images when the folder is
 * writable, otherwise in the user's application-data folder under a name derived from the folder.
 */
public final class ReviewLocation {
    public static final String FILE_NAME = "gradcam-review.json";

    private ReviewLocation() { }

    public static Path forFolder(Path folder, Path appData) {
        return forFolder(folder, appData, ReviewLocation::canWriteIn);
    }

    public static Path forFolder(Path folder, Path appData, java.util.function.Predicate<Path> writable) {
        Path abs = folder.toAbsolutePath().normalize();
        if (writable.test(abs)) return abs.resolve(FILE_NAME);
        String name = abs.getFileName() == null ? "root" : abs.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return appData.resolve("reviews").resolve(name + "-" + shortHash(abs.toString()) + ".json");
    }

    /** Writable in fact (root ignores permission bits, so try creating a file). */
    static boolean canWriteIn(Path dir) {
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) return false;
        try {
            Files.delete(Files.createTempFile(dir, ".gradcam-write-test", ".tmp"));
            return true;
        } catch (java.io.IOException | SecurityException e) {
            return false;
        }
    }

    /** The platform's per-user application-data folder for this app. */
    public static Path appData() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        if (os.contains("win") && System.getenv("APPDATA") != null) return Path.of(System.getenv("APPDATA"), "Grad-CAM Viewer");
        if (os.contains("mac")) return home.resolve("Library/Application Support/Grad-CAM Viewer");
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share")).resolve("gradcam-viewer");
    }

    static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
