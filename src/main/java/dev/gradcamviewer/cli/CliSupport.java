package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;

import java.nio.file.Path;

final class CliSupport {
    private CliSupport() { }

    /** The given model, or the bundled demo model. */
    static ModelBundle openModel(Path model) throws BundleException {
        return ModelBundle.open(modelPath(model));
    }

    static Path modelPath(Path model) throws BundleException {
        return model != null ? model : BundledFiles.demoModel().orElseThrow(() ->
                new BundleException("the bundled demo model was not found; give one with --model"));
    }

    /** Makes the folder if need be and proves a file can be written there, before any work is done. */
    static void requireWritableFolder(Path dir, String option) {
        try {
            java.nio.file.Files.createDirectories(dir);
            Path probe = java.nio.file.Files.createTempFile(dir, ".write-test-", ".tmp");
            java.nio.file.Files.delete(probe);
        } catch (java.io.IOException | SecurityException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file of that name is in the way" : message(e);
            throw new IllegalArgumentException(option + " " + dir + " cannot be written to (" + why + ")");
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
