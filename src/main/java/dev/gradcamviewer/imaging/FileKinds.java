package dev.gradcamviewer.imaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** What kind of file system object a path is, in words, for the message that refuses it. */
public final class FileKinds {
    private FileKinds() { }

    public static String of(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            if (mode instanceof Integer m) {
                return switch (m & 0170000) {
                    case 0010000 -> "a FIFO (named pipe)";
                    case 0020000 -> "a character device";
                    case 0060000 -> "a block device";
                    case 0140000 -> "a socket";
                    case 0040000 -> "a folder";
                    case 0100000 -> "a regular file";
                    default -> "not a regular file";
                };
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view (Windows): say it generally
        }
        return Files.isDirectory(p) ? "a folder" : Files.isSymbolicLink(p) && !Files.exists(p) ? "a broken link"
                : Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "a device, pipe or socket" : "missing";
    }

    /** True for a path that exists and is neither a regular file nor a folder (following links). */
    public static boolean isSpecial(Path p) {
        return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p);
    }
}
