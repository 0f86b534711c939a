package dev.gradcamviewer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A bundle file as a zip archive, before libtorch sees it: tells a TorchScript archive from the
 * files people mistake for one, and reads the exporter's manifest from it.
 */
final class BundleArchive {
    private BundleArchive() { }

    /** The manifest's JSON (the archive's extra file {@code gradcam/manifest.json}), empty for plain TorchScript. */
    static java.util.Optional<String> manifestJson(Path file, String entryName) throws BundleException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith("/extra/" + entryName)).findFirst().orElse(null);
            if (entry == null) return java.util.Optional.empty();
            try (InputStream in = zip.getInputStream(entry)) {
                return java.util.Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new BundleException(file.getFileName() + " is a damaged archive: " + e.getMessage());
        }
    }

    static void requireTorchScript(Path file) throws BundleException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.exists(file)) throw new BundleException("model file not found: " + file);
        if (!Files.isRegularFile(file)) throw new BundleException(name + " is not a file");
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4 || head[0] != 'P' || head[1] != 'K') {
                throw new BundleException(name + " is not a TorchScript model (not a zip archive): "
                        + "export your model with models/tools/export_model.py");
            }
        } catch (IOException e) {
            throw new BundleException("cannot read " + name + ": " + e.getMessage());
        }
        boolean code = false;
        boolean data = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String entry = e.nextElement().getName();
                String inner = entry.indexOf('/') >= 0 ? entry.substring(entry.indexOf('/') + 1) : entry;
                if (inner.startsWith("code/")) code = true;
                if (inner.equals("data.pkl")) data = true;
            }
        } catch (IOException e) {
            throw new BundleException(name + " is a damaged archive: " + e.getMessage());
        }
        if (!code && data) {
            throw new BundleException(name + " is a pickled PyTorch file (torch.save of a state_dict or module), "
                    + "not TorchScript: export it with models/tools/export_model.py");
        }
        if (!code) throw new BundleException(name + " is a zip archive but not a TorchScript model");
    }
}
