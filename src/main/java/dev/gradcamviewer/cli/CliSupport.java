package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.files.FolderLock;
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

    /** The layers a command was asked for ({@code all}: every tapped one; none: the default), each checked against the model. */
    static java.util.List<String> layersToExplain(ModelBundle bundle, java.util.List<String> asked, boolean all) throws BundleException {
        if (!bundle.hasManifest()) throw new BundleException(bundle.file().getFileName() + " has no Grad-CAM manifest: export it with models/tools/export_model.py");
        if (all) return bundle.tapNames();
        if (asked.isEmpty()) return java.util.List.of(bundle.manifest().defaultLayer());
        for (String l : asked) {
            if (!bundle.tapNames().contains(l)) {
                String why = bundle.tree().find(l).map(n -> n.untappedReason()).orElse("no such layer in the model");
                throw new BundleException("layer '" + l + "' cannot be explained: " + why);
            }
        }
        return java.util.List.copyOf(new java.util.LinkedHashSet<>(asked));
    }

    /** A CAM method by its id; an unknown one refused naming those there are. */
    static dev.gradcamviewer.cam.CamMethod method(String name) {
        return dev.gradcamviewer.cam.CamMethods.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown method '" + name + "' ("
                + String.join(", ", dev.gradcamviewer.cam.CamMethods.FOR_VIEWER.stream().map(dev.gradcamviewer.cam.CamMethod::id).toList()) + ")"));
    }

    /** The methods named with --method (each once, in order), or {@code defaults}. */
    static java.util.List<dev.gradcamviewer.cam.CamMethod> methods(java.util.List<String> names, java.util.List<String> defaults) {
        java.util.List<dev.gradcamviewer.cam.CamMethod> out = new java.util.ArrayList<>();
        for (String n : new java.util.LinkedHashSet<>(names.isEmpty() ? defaults : names)) out.add(method(n));
        return out;
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

    /** Takes {@code dir} for this run alone (see {@link FolderLock}); a folder in use is refused naming the run that has it. */
    static FolderLock lockFolder(Path dir, String option, String command) {
        try {
            return FolderLock.acquire(dir, command);
        } catch (FolderLock.BusyException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(option + " " + dir + " cannot be locked for this run (" + message(e) + ")");
        }
    }

    /** Removes a folder this run made, when nothing was written into it. */
    static void removeIfEmpty(Path dir) {
        try {
            java.nio.file.Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            // not empty, or not ours to remove: it stays
        }
    }

    /** One daemon thread of that name for work the command hands off (it never keeps the process alive). */
    static java.util.concurrent.ExecutorService daemonThread(String name) {
        return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code n} daemon threads of that name. */
    static java.util.concurrent.ExecutorService daemonThreads(String name, int n) {
        java.util.concurrent.atomic.AtomicInteger k = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name + "-" + k.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static String message(Throwable e) {
        return dev.gradcamviewer.app.Failures.message(e);
    }

    /** A CSV field as RFC 4180 quotes it: in quotes when it holds a comma, a quote, a CR or an LF. */
    static String csv(String s) {
        return dev.gradcamviewer.files.CsvField.quote(s);
    }
}
