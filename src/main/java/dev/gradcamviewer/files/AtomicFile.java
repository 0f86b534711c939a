package dev.gradcamviewer.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files written whole or not at all: into a temporary file beside the target, then renamed over it,
 * so that a crash, a full disk or a kill leaves the old file or the new one, never a broken one.
 *
 * <p>What a user set up stays as it was: a target that is a symbolic link (a shared team file) is
 * written through to the file it points to, and a file that already exists keeps its permissions,
 * group and (where this process may set it) owner. A new file gets the permissions every editor
 * gives it (0666 less the umask), not the 0600 of a JDK temporary file. JDK only: every package may
 * use it.
 */
public final class AtomicFile {
    /** What goes into the file. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Test seam: runs after the temporary file is complete and before it replaces the target. */
    public interface BeforeRename {
        void run(Path temporary) throws IOException;
    }

    private AtomicFile() { }

    /** Temporary files being written now, for a process that must stop at once to remove. */
    private static final java.util.Set<Path> IN_PROGRESS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Removes the temporary files of writes still in progress (before the process halts: no .tmp is left). */
    public static void deleteTemporaries() {
        for (Path tmp : IN_PROGRESS) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // gone already, or not ours to remove
            }
        }
    }

    public static void write(Path target, Body body) throws IOException {
        write(target, body, false, t -> { });
    }

    /**
     * @param flushToDisk force the bytes to the disk before the rename (for records a user made,
     *                    which must survive a power cut, not only a crash of this program)
     */
    public static void write(Path target, Body body, boolean flushToDisk, BeforeRename beforeRename) throws IOException {
        Path real = followLinks(target.toAbsolutePath());
        Path dir = real.getParent();
        Files.createDirectories(dir);
        Path tmp = newTemporary(dir, real.getFileName().toString());
        IN_PROGRESS.add(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                body.write(out);
                out.flush();
                if (flushToDisk) ch.force(true);
            }
            keepAttributes(real, tmp);
            beforeRename.run(tmp);
            try {
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, real, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } finally {
                IN_PROGRESS.remove(tmp);
            }
        }
    }

    /** The file a chain of symbolic links ends at (which need not exist yet). */
    public static Path followLinks(Path p) throws IOException {
        Path current = p;
        for (int hops = 0; Files.isSymbolicLink(current); hops++) {
            if (hops > 40) throw new IOException(p + ": too many levels of symbolic links");
            Path link = Files.readSymbolicLink(current);
            current = current.getParent().resolve(link).normalize();
        }
        return current;
    }

    private static Path newTemporary(Path dir, String name) throws IOException {
        for (int i = 0; ; i++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (i > 100) throw e;
            }
        }
    }

    private static void keepAttributes(Path existing, Path tmp) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(existing, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (source == null || !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) return;
        PosixFileAttributes a = source.readAttributes();
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        try {
            view.setGroup(a.group());
        } catch (IOException e) {
            // not a member of that group: the file keeps this process's group
        }
        view.setPermissions(a.permissions());
        try {
            if (!view.getOwner().equals(a.owner())) view.setOwner(a.owner());
        } catch (IOException e) {
            // only root may give a file away: it becomes this user's, readable as before
        }
    }
}
