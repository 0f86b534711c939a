package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.FileKinds;
import dev.gradcamviewer.imaging.ImageDecoder;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Expands files and folders into image files: folders are walked, sorted by path. */
public final class ImageFiles {
    private ImageFiles() { }

    /** One image found, with its path relative to the folder it was found in (its name when given as a file). */
    public record Found(Path file, Path relative) { }

    /** Something given or met that could not be looked into, and why. */
    public record Problem(Path path, String reason) {
        @Override public String toString() { return dev.gradcamviewer.files.PathNames.shown(path) + ": " + reason; }
    }

    /** Every image found, in order, and what could not be looked into. */
    public record Listing(List<Found> images, List<Problem> problems) {
        public List<Path> files() { return images.stream().map(Found::file).toList(); }
    }

    public static List<Path> expand(List<Path> items) {
        return list(items).files();
    }

    /**
     * Walks the folders among {@code items}; a subfolder that cannot be read is skipped and named in
     * the problems, as is a folder with no image in it and an item that does not exist.
     */
    public static Listing list(List<Path> items) {
        List<Found> out = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path p : items) {
            if (Files.isDirectory(p)) {
                List<Path> found = new ArrayList<>();
                try {
                    Files.walkFileTree(p, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                            if (a.isRegularFile() && ImageDecoder.looksLikeImage(f)) found.add(f);
                            else if (a.isOther() && ImageDecoder.looksLikeImage(f)) {
                                problems.add(new Problem(f, "is " + FileKinds.of(f) + ", not a regular file; skipped"));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path f, IOException e) {
                            problems.add(new Problem(f, "cannot be read (" + reason(e) + "); skipped"));
                            return FileVisitResult.CONTINUE;
                        }
                    });
                } catch (IOException e) {
                    problems.add(new Problem(p, "cannot be read (" + reason(e) + ")"));
                }
                if (found.isEmpty()) problems.add(new Problem(p, "no image found in this folder (" + ImageDecoder.FORMATS + ")"));
                found.stream().sorted().forEach(f -> out.add(new Found(f, p.relativize(f))));
            } else if (!Files.exists(p)) {
                Path raw = byItsBytes(p);
                if (raw != null) {
                    out.add(new Found(raw, raw.getFileName()));
                    continue;
                }
                problems.add(new Problem(p, "no such file or folder" + (p.toString().startsWith("-") ? " (nor an option of this command)" : "")));
            } else if (FileKinds.isSpecial(p)) {
                problems.add(new Problem(p, "is " + FileKinds.of(p) + ", not a regular file: not read"));
            } else {
                out.add(new Found(p, p.getFileName()));
            }
        }
        return new Listing(out, problems);
    }

    /**
     * A name given on the command line whose bytes are not valid in the platform's encoding (a
     * Latin-1 name on a UTF-8 system) reaches Java with those bytes replaced by U+FFFD, and so names
     * no file. Its folder's listing keeps every name's bytes: the one entry that reads the same is
     * the file meant (several that do are ambiguous and none is taken).
     */
    private static Path byItsBytes(Path p) {
        if (!p.toString().contains("\uFFFD") || p.getFileName() == null) return null;
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return null;
        String wanted = p.getFileName().toString();
        try (var entries = Files.list(dir)) {
            List<Path> same = entries.filter(e -> e.getFileName().toString().equals(wanted)).limit(2).toList();
            return same.size() == 1 ? same.get(0) : null;
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
