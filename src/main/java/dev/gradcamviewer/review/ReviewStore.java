package dev.gradcamviewer.review;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdicts of one folder, kept in a JSON file that is rewritten whole on every change: written
 * to a temporary file, flushed to disk, then renamed over the old one, so that a crash at any
 * moment leaves the old or the new file, never a broken one. A file that cannot be read is moved
 * aside (never overwritten) and reported.
 */
public final class ReviewStore {
    static final String FORMAT = "gradcam-viewer-review";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Map<String, ReviewEntry> entries = new LinkedHashMap<>();
    private final String setAside;
    /** Test seam: runs between writing the temporary file and renaming it. */
    AtomicWrite.BeforeRename beforeRename = tmp -> { };

    private ReviewStore(Path file, String setAside) {
        this.file = file;
        this.setAside = setAside;
    }

    /**
     * Opens (or starts) the review file. If it exists but cannot be read, it is renamed to
     * {@code <name>.unreadable-<time>} and an empty store is returned; {@link #setAsideMessage()} says so.
     */
    public static ReviewStore open(Path file) throws ReviewException {
        if (!Files.exists(file)) return new ReviewStore(file, null);
        try {
            Map<String, Object> doc = JSON.readValue(file.toFile(), new TypeReference<>() { });
            if (!FORMAT.equals(doc.get("format"))) throw new IOException("not a Grad-CAM Viewer review file");
            List<ReviewEntry> list = JSON.convertValue(doc.get("entries"), new TypeReference<>() { });
            ReviewStore store = new ReviewStore(file, null);
            if (list != null) for (ReviewEntry e : list) store.entries.put(e.image(), e);
            return store;
        } catch (IOException | IllegalArgumentException e) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + stamp);
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                throw new ReviewException("the review file " + file + " cannot be read and cannot be set aside: " + moveFailed.getMessage(), e);
            }
            return new ReviewStore(file, "The review file could not be read (" + firstLine(e.getMessage()) + "); it was kept as "
                    + aside.getFileName() + " and a new one was started.");
        }
    }

    public Path file() { return file; }

    /** Non-null when an unreadable review file was set aside on opening. */
    public String setAsideMessage() { return setAside; }

    public Optional<ReviewEntry> get(String image) { return Optional.ofNullable(entries.get(image)); }

    public List<ReviewEntry> entries() { return Collections.unmodifiableList(new ArrayList<>(entries.values())); }

    /** Records an entry and saves the whole file at once. On failure nothing changes in memory or on disk. */
    public synchronized void put(ReviewEntry entry) throws ReviewException {
        ReviewEntry old = entries.put(entry.image(), entry);
        try {
            save();
        } catch (IOException e) {
            if (old == null) entries.remove(entry.image());
            else entries.put(entry.image(), old);
            throw new ReviewException("the verdict could not be saved to " + file + ": " + e.getMessage(), e);
        }
    }

    private void save() throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("version", 1);
        doc.put("entries", new ArrayList<>(entries.values()));
        AtomicWrite.write(file, JSON.writeValueAsBytes(doc), beforeRename);
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
