package dev.gradcamviewer.review;

import dev.gradcamviewer.files.AtomicFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a review file, held while it is read, merged and rewritten: a lock on a small
 * file beside it ({@code .<name>.lock}; the review file itself is replaced by renaming, so it cannot
 * carry the lock), between processes through the operating system and between the windows of one
 * process through a lock per file. Where the lock file cannot be made (a folder that is readable
 * only), reading goes on unlocked: nothing is written there anyway.
 */
final class FolderLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    static FolderLock acquire(Path reviewFile) throws IOException {
        Path real = AtomicFile.followLinks(reviewFile.toAbsolutePath());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(real, p -> new ReentrantLock());
        local.lock();
        try {
            Path lockFile = real.resolveSibling("." + real.getFileName() + ".lock");
            FileChannel ch;
            try {
                Files.createDirectories(real.getParent());
                boolean existed = Files.exists(lockFile);
                ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                if (!existed) shareLikeTheReviewFile(real, lockFile);
            } catch (FileSystemException e) {
                return new FolderLock(local, null, null);
            }
            try {
                return new FolderLock(local, ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /** Whoever may write the review file (a group sharing the folder) must be able to take its lock. */
    private static void shareLikeTheReviewFile(Path reviewFile, Path lockFile) {
        try {
            if (Files.exists(reviewFile)) Files.setPosixFilePermissions(lockFile, Files.getPosixFilePermissions(reviewFile));
        } catch (IOException | UnsupportedOperationException e) {
            // the lock still works for this user; others fall back to reading unlocked
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null) lock.release();
            if (channel != null) channel.close();
        } finally {
            local.unlock();
        }
    }
}
