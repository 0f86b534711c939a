package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.ImageDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Expands files and folders into image files: folders are walked, sorted by path. */
public final class ImageFiles {
    private ImageFiles() { }

    public static List<Path> expand(List<Path> items) {
        List<Path> out = new ArrayList<>();
        for (Path p : items) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(ImageDecoder::looksLikeImage).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
