package dev.gradcamviewer.atlas;

import dev.gradcamviewer.files.CsvField;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Images' true labels, from a CSV file in one of two formats recognised by its header: {@code
 * image,label} (the label may list several findings separated by {@code |}), or NIH ChestX-ray14's
 * {@code Data_Entry_2017.csv} ({@code Image Index,Finding Labels,...}, findings separated by
 * {@code |}, "No Finding" for none). Images are named by file name or by a path that the image's path
 * ends with. A row that cannot be used is skipped with a warning naming the file and line; a header
 * in neither format refuses the file.
 */
public final class LabelsFile {
    /** A labels file that cannot be used at all. */
    public static final class FormatException extends Exception {
        public FormatException(String message) { super(message); }
    }

    private final Path file;
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final Map<String, List<Entry>> byFileName = new java.util.HashMap<>();
    private final List<String> warnings = new ArrayList<>();

    /** One row: the image as the file names it, its labels and the line. */
    public record Entry(String image, Set<String> labels, int line) { }

    private LabelsFile(Path file) { this.file = file; }

    public static LabelsFile read(Path file) throws IOException, FormatException {
        LabelsFile l = new LabelsFile(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new FormatException(file + ": the file is empty");
        List<String> header = CsvField.split(stripBom(lines.get(0)));
        int image;
        int label;
        if (header != null && header.size() >= 2 && header.get(0).equalsIgnoreCase("image") && header.get(1).equalsIgnoreCase("label")) {
            image = 0;
            label = 1;
        } else if (header != null && header.stream().anyMatch(h -> h.equalsIgnoreCase("Image Index"))
                && header.stream().anyMatch(h -> h.equalsIgnoreCase("Finding Labels"))) {
            image = indexOf(header, "Image Index");
            label = indexOf(header, "Finding Labels");
        } else {
            throw new FormatException(file + ": line 1: the header is neither 'image,label' nor NIH ChestX-ray14's "
                    + "'Image Index,Finding Labels,...' (it is '" + shorten(lines.get(0)) + "')");
        }
        for (int i = 1; i < lines.size(); i++) l.row(lines.get(i), i + 1, image, label);
        return l;
    }

    private void row(String text, int line, int image, int label) {
        if (text.isBlank()) return;
        List<String> f = CsvField.split(text);
        if (f == null) {
            warn(line, "a quote is left open; the row is skipped");
            return;
        }
        if (f.size() <= Math.max(image, label)) {
            warn(line, "it has " + f.size() + " field" + (f.size() == 1 ? "" : "s") + ", fewer than the header; the row is skipped");
            return;
        }
        String name = f.get(image).replace('\\', '/');
        if (name.isEmpty()) {
            warn(line, "no image is named; the row is skipped");
            return;
        }
        Set<String> labels = new LinkedHashSet<>();
        for (String s : f.get(label).split("\\|")) if (!s.isBlank()) labels.add(s.trim());
        if (labels.isEmpty()) {
            warn(line, "no label is given for " + name + "; the row is skipped");
            return;
        }
        if (labels.size() > 1) labels.removeIf(Outcomes::isNegative); // "No Finding|Effusion" is a finding
        Entry before = byName.get(name);
        if (before != null) {
            warn(line, name + " is listed again (first on line " + before.line() + ")"
                    + (before.labels().equals(labels) ? "" : " with other labels") + "; line " + before.line() + " is kept");
            return;
        }
        Entry entry = new Entry(name, Set.copyOf(labels), line);
        byName.put(name, entry);
        byFileName.computeIfAbsent(fileName(name), k -> new ArrayList<>()).add(entry);
    }

    /** The row for an image, matched by its file name and then by the path the row gives; null when none is. */
    public Entry find(Path image) {
        String name = image.getFileName() == null ? "" : image.getFileName().toString();
        String path = image.toString().replace('\\', '/');
        Entry best = null;
        for (Entry entry : byFileName.getOrDefault(name, List.of())) {
            if (entry.image().equals(name) || path.endsWith("/" + entry.image()) || path.equals(entry.image())) {
                if (best == null || entry.image().length() > best.image().length()) best = entry;
            }
        }
        return best;
    }

    /** A warning for every image of the file that is not among {@code images}: one line with a count and the first. */
    public void reportUnknown(List<Path> images) {
        Set<Entry> used = new java.util.HashSet<>();
        for (Path p : images) {
            Entry e = find(p);
            if (e != null) used.add(e);
        }
        List<Entry> unknown = byName.values().stream().filter(e -> !used.contains(e)).toList();
        if (unknown.isEmpty()) return;
        Entry first = unknown.get(0);
        warnings.add(file + ": " + unknown.size() + " row" + (unknown.size() == 1 ? " names an image" : "s name images")
                + " not given (the first on line " + first.line() + ": " + first.image() + ")");
    }

    public List<String> warnings() { return List.copyOf(warnings); }

    public int size() { return byName.size(); }

    public Path file() { return file; }

    private void warn(int line, String what) {
        warnings.add(file + ": line " + line + ": " + what);
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static int indexOf(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) if (header.get(i).equalsIgnoreCase(name)) return i;
        return -1;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static String shorten(String s) {
        String t = stripBom(s);
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }
}
