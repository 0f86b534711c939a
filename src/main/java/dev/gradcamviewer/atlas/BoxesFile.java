package dev.gradcamviewer.atlas;

import dev.gradcamviewer.files.CsvField;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ground-truth boxes, from a CSV in one of two formats recognised by the header: NIH ChestX-ray14's
 * {@code BBox_List_2017.csv} ({@code Image Index,Finding Label,Bbox [x,y,w,h],...}: the four numbers
 * in the next four fields) and the RSNA Pneumonia Detection Challenge's {@code
 * stage_2_train_labels.csv} ({@code patientId,x,y,width,height,Target}: a row with Target 0 and no
 * box marks an image without pneumonia; its label is {@code Pneumonia}). Coordinates are the image
 * file's pixels. NIH rows are matched to images by file name, RSNA rows by file stem (the patient
 * ID, {@code <id>.dcm}). Rows that cannot be used are skipped with a warning naming the file and
 * line; a header in neither format refuses the file.
 */
public final class BoxesFile {
    /** A box in the image file's pixels, for a label. */
    public record Box(String label, double x, double y, double width, double height, int line) { }

    private final Path file;
    private final boolean byStem;
    private final Map<String, List<Box>> byImage = new LinkedHashMap<>();
    private final Set<String> negatives = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();

    private BoxesFile(Path file, boolean byStem) {
        this.file = file;
        this.byStem = byStem;
    }

    public static BoxesFile read(Path file) throws IOException, LabelsFile.FormatException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new LabelsFile.FormatException(file + ": the file is empty");
        String first = lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(0);
        List<String> h = CsvField.split(first);
        boolean nih = h != null && h.size() >= 3 && h.get(0).equalsIgnoreCase("Image Index") && h.get(1).equalsIgnoreCase("Finding Label");
        boolean rsna = h != null && h.size() >= 6 && h.get(0).equalsIgnoreCase("patientId") && h.get(1).equalsIgnoreCase("x")
                && h.get(2).equalsIgnoreCase("y") && h.get(3).equalsIgnoreCase("width") && h.get(4).equalsIgnoreCase("height") && h.get(5).equalsIgnoreCase("Target");
        if (!nih && !rsna) {
            throw new LabelsFile.FormatException(file + ": line 1: the header is neither NIH ChestX-ray14's 'Image Index,Finding Label,Bbox [x,y,w,h]' "
                    + "nor the RSNA challenge's 'patientId,x,y,width,height,Target' (it is '" + (first.length() > 80 ? first.substring(0, 77) + "..." : first) + "')");
        }
        BoxesFile b = new BoxesFile(file, rsna);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) continue;
            int line = i + 1;
            List<String> f = CsvField.split(text);
            if (f == null) {
                b.warn(line, "a quote is left open; the row is skipped");
                continue;
            }
            if (f.size() < (nih ? 6 : 6)) {
                b.warn(line, "it has " + f.size() + " fields, fewer than six; the row is skipped");
                continue;
            }
            String image = f.get(0).replace('\\', '/');
            if (image.isEmpty()) {
                b.warn(line, "no image is named; the row is skipped");
                continue;
            }
            String label = nih ? f.get(1) : "Pneumonia";
            if (rsna && f.get(5).equals("0") && f.get(1).isEmpty()) {
                b.negatives.add(image);
                continue;
            }
            double[] xywh = new double[4];
            try {
                for (int k = 0; k < 4; k++) xywh[k] = Double.parseDouble(f.get(nih ? 2 + k : 1 + k));
            } catch (NumberFormatException e) {
                b.warn(line, "the box is not four numbers; the row is skipped");
                continue;
            }
            if (!(xywh[2] > 0 && xywh[3] > 0) || Double.isInfinite(xywh[0]) || Double.isInfinite(xywh[1]) || Double.isNaN(xywh[0]) || Double.isNaN(xywh[1])) {
                b.warn(line, "the box has no area (width " + f.get(nih ? 4 : 3) + ", height " + f.get(nih ? 5 : 4) + "); the row is skipped");
                continue;
            }
            String key = image + "|" + label + "|" + xywh[0] + "|" + xywh[1] + "|" + xywh[2] + "|" + xywh[3];
            Integer before = seen.putIfAbsent(key, line);
            if (before != null) {
                b.warn(line, "the same box as line " + before + "; the row is skipped");
                continue;
            }
            b.byImage.computeIfAbsent(b.byStem ? image : fileName(image), k -> new ArrayList<>()).add(new Box(label, xywh[0], xywh[1], xywh[2], xywh[3], line));
        }
        return b;
    }

    /** The image's boxes (none when the file has none for it). */
    public List<Box> boxes(Path image) {
        return byImage.getOrDefault(key(image), List.of());
    }

    /** Whether the file says anything about this image (boxes, or an RSNA row saying it has none). */
    public boolean knows(Path image) {
        String k = key(image);
        return byImage.containsKey(k) || negatives.contains(k);
    }

    /** One warning counting the images the file has boxes for that are not among {@code images}. */
    public void reportUnknown(List<Path> images) {
        Set<String> given = new HashSet<>();
        for (Path p : images) given.add(key(p));
        List<Box> unknown = new ArrayList<>();
        for (var e : byImage.entrySet()) if (!given.contains(e.getKey())) unknown.add(e.getValue().get(0));
        if (unknown.isEmpty()) return;
        unknown.sort(java.util.Comparator.comparingInt(Box::line));
        warnings.add(file + ": " + unknown.size() + " image" + (unknown.size() == 1 ? "" : "s") + " with boxes not given (the first on line "
                + unknown.get(0).line() + ")");
    }

    /** Warns (once per line) about a box that leaves its image, which is clipped to it; the boxes inside it, in its pixels. */
    public synchronized void warnOutside(Box b, int width, int height) {
        warnings.add(file + ": line " + b.line() + ": the box " + b.x() + "," + b.y() + "," + b.width() + "," + b.height() + " reaches beyond the image ("
                + width + "x" + height + "); clipped to it");
    }

    public synchronized List<String> warnings() { return List.copyOf(warnings); }

    public Path file() { return file; }

    private String key(Path image) {
        String name = image.getFileName() == null ? "" : image.getFileName().toString();
        if (!byStem) return name;
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private void warn(int line, String what) {
        warnings.add(file + ": line " + line + ": " + what);
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
