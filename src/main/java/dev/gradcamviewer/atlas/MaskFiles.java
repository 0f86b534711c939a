package dev.gradcamviewer.atlas;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.ImageDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of region masks, one image per image (lung masks as JSRT, Montgomery and Shenzhen publish
 * them), matched by file stem with or without a {@code .mask} or {@code _mask} suffix
 * ({@code phantom-01.png} takes {@code phantom-01.png}, {@code phantom-01.mask.png} or
 * {@code phantom-01_mask.png}). Inside is any pixel at half the mask's range or more.
 */
public final class MaskFiles {
    private static final List<String> EXTENSIONS = List.of(".png", ".gif", ".bmp", ".tif", ".tiff");

    private final Path dir;
    private final Map<String, Path> byStem = new HashMap<>();
    private final java.util.Set<Path> masks = new java.util.HashSet<>();

    /** A mask on an image's pixels, and what was noticed making it (a mask of another size, scaled); null mask: none found. */
    public record Found(boolean[] inside, Path file, String warning) { }

    public MaskFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a folder");
        this.dir = dir;
        List<Path> all;
        try (Stream<Path> files = Files.list(dir)) {
            all = files.sorted().toList();
        }
        // a name with the suffix is a mask for sure; a plain name only where no such mask is (the folder may hold the images too)
        for (boolean suffixed : new boolean[] {true, false}) {
            for (Path p : all) {
                String name = p.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                for (String ext : EXTENSIONS) {
                    if (!lower.endsWith(ext)) continue;
                    String stem = name.substring(0, name.length() - ext.length());
                    String bare = null;
                    for (String suffix : List.of(".mask", "_mask")) {
                        if (stem.toLowerCase(Locale.ROOT).endsWith(suffix)) bare = stem.substring(0, stem.length() - suffix.length());
                    }
                    if (suffixed && bare != null) byStem.putIfAbsent(bare, p);
                    if (!suffixed && bare == null) byStem.putIfAbsent(stem, p);
                }
            }
        }
        for (Path p : byStem.values()) masks.add(real(p));
    }

    public Path dir() { return dir; }

    /** Whether this file is one of the folder's masks (a folder of images with their masks beside them). */
    public boolean isMask(Path file) {
        return masks.contains(real(file));
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Whether a mask is there for this image. */
    public boolean has(Path image) { return byStem.containsKey(stem(image)); }

    /**
     * The image's mask on its decoded pixels ({@code width} x {@code height}, read from a file of
     * {@code sourceWidth} x {@code sourceHeight}), scaled by nearest neighbour when its size is
     * another; null inside when there is no mask for it.
     */
    public Found forImage(Path image, int width, int height, int sourceWidth, int sourceHeight) throws ImageDecodeException {
        Path file = byStem.get(stem(image));
        if (file == null) return new Found(null, null, null);
        DecodedImage m = ImageDecoder.decode(file);
        float[] v = m.planes()[0];
        String warning = null;
        boolean ownSize = m.width() == width && m.height() == height;
        if (!ownSize && !(m.width() == sourceWidth && m.height() == sourceHeight)) {
            warning = "the mask " + file.getFileName() + " is " + m.width() + "x" + m.height() + ", the image " + sourceWidth + "x"
                    + sourceHeight + ": scaled to the image";
        }
        boolean[] inside = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            int my = ownSize ? y : Math.min(m.height() - 1, (int) ((y + 0.5) * m.height() / height));
            for (int x = 0; x < width; x++) {
                int mx = ownSize ? x : Math.min(m.width() - 1, (int) ((x + 0.5) * m.width() / width));
                inside[y * width + x] = v[my * m.width() + mx] >= 0.5f;
            }
        }
        return new Found(inside, file, warning);
    }

    static String stem(Path image) {
        String name = image.getFileName() == null ? "" : image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
