package dev.gradcamviewer.files;

import java.nio.file.Path;

/** Holds the lock of the folder given until its standard input ends (or it is killed): another run, for the tests. */
public final class FolderLockHolderMain {
    private FolderLockHolderMain() { }

    public static void main(String[] args) throws Exception {
        try (FolderLock lock = FolderLock.acquire(Path.of(args[0]), "explain (a test's holder)")) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold on
            }
        }
    }
}
