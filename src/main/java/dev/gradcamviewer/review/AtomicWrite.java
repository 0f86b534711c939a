package dev.gradcamviewer.review;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file whole or not at all: a temporary file beside it, flushed to disk, renamed over it.
 * (The same idea as imaging.AtomicFiles; kept here because review may use only the JDK and JSON,
 * and a verdict file also needs the flush to disk.)
 */
final class AtomicWrite {
    interface BeforeRename {
        void run(Path temporary) throws IOException;
    }

    private AtomicWrite() { }

    static void write(Path target, byte[] bytes, BeforeRename beforeRename) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(true);
            }
            beforeRename.run(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
