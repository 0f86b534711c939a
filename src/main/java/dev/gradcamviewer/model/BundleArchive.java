package dev.gradcamviewer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Tells a TorchScript archive from the files people mistake for one, before libtorch sees it. */
final class ArchiveCheck {
    private ArchiveCheck() { }

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
