package dev.gradcamviewer.files;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One writer per output folder: a lock file ({@value #NAME}) held with the operating system's
 * file lock for as long as a run writes there, naming the run inside (process, host, start, command).
 * The system releases the lock when a process dies however it dies, so a lock file left by a killed
 * run is recognised as stale (nobody holds it) and taken over. JDK only: every package may use it.
 */
public final class FolderLock implements AutoCloseable {
    public static final String NAME = ".gradcam-viewer.lock";

    /** The folder is in use by another run; the message names it. */
    public static final class BusyException extends IOException {
        BusyException(String message) { super(message); }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String stale;

    private FolderLock(Path file, FileChannel channel, FileLock lock, String stale) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.stale = stale;
    }

    /** Takes the folder for this run, or throws {@link BusyException} naming the run that holds it. */
    public static FolderLock acquire(Path dir, String command) throws IOException {
        Path file = dir.resolve(NAME);
        for (int attempt = 0; ; attempt++) {
            Object before = key(file);
            boolean existed = before != null;
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it already (two commands run in one JVM)
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close();
                throw new BusyException(dir + " is being written by another run (" + (holder.isEmpty() ? "holder unknown" : holder)
                        + "); wait for it to end, or give another --out");
            }
            Object after = key(file);
            if ((after == null || (before != null && !before.equals(after))) && attempt < 10) {
                // the holder removed it as we opened it: what we hold is gone, lock the one there now
                lock.release();
                ch.close();
                continue;
            }
            return take(file, ch, lock, existed, command);
        }
    }

    /** The file's identity (device and inode), or null when there is none. */
    private static Object key(Path file) {
        try {
            Object k = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return k == null ? file : k;
        } catch (IOException e) {
            return null;
        }
    }

    private static FolderLock take(Path file, FileChannel ch, FileLock lock, boolean existed, String command) throws IOException {
        String stale = existed ? holder(ch) : null;
        ch.truncate(0);
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "?";
        }
        String text = "pid " + ProcessHandle.current().pid() + " on " + host + ", " + command + ", started "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new FolderLock(file, ch, lock, stale);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512);
            int n = ch.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** What a lock file left by an earlier run that ended without removing it said (taken over), or null. */
    public String staleHolder() { return stale; }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file); // before the release: a run waiting for the lock never sees a file about to go
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
