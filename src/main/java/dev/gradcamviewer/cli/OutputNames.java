package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ImageFiles;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where each input's results go under {@code --out}: the input's folders below the folder it was
 * found in are mirrored, the file's stem names it, and when two inputs would still meet (chest.png
 * and chest.jpg, or two files of one name given from different folders) the later one gets its
 * extension and then a number added. No result of one run ever overwrites another's, and
 * summary.csv says which output is whose.
 */
final class OutputNames {
    private OutputNames() { }

    /** Input file -> output base path relative to --out (no layer, method or extension yet). */
    static Map<Path, Path> assign(List<ImageFiles.Found> images) {
        Map<Path, Path> out = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (ImageFiles.Found f : images) {
            Path rel = f.relative();
            Path dir = rel.getParent();
            String name = rel.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            String ext = dot > 0 ? name.substring(dot + 1) : "";
            String candidate = stem;
            if (!taken.add(key(dir, candidate))) {
                candidate = ext.isEmpty() ? stem : stem + "_" + ext;
                for (int n = 2; !taken.add(key(dir, candidate)); n++) candidate = stem + (ext.isEmpty() ? "" : "_" + ext) + "-" + n;
            }
            out.put(f.file(), dir == null ? Path.of(candidate) : dir.resolve(candidate));
        }
        return out;
    }

    private static String key(Path dir, String stem) {
        return ((dir == null ? "" : dir.toString() + "/") + stem).toLowerCase(Locale.ROOT); // case-insensitive file systems too
    }

    /**
     * A name from a model (a layer) made safe as part of a file name: letters, digits, '.', '_' and
     * '-' stay, anything else (a path separator, "..", a control character) cannot reach the file system.
     */
    static String safe(String name) {
        return dev.gradcamviewer.files.PathNames.safe(name);
    }
}
