package dev.gradcamviewer.review;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcamviewer.files.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdicts of one folder, kept in a JSON file that several viewers (several readers, or one
 * reader with two windows) may share.
 *
 * <p>Every change is saved at once, under a lock ({@link FolderLock}): the file is read again, merged
 * with what this store holds (per image the newest verdict is current; older ones that say something
 * else stay in that image's history, so no verdict anyone wrote is ever dropped), and rewritten
 * whole ({@link AtomicFile}: through a symbolic link, keeping the file's permissions and group). What
 * another viewer wrote meanwhile comes back as notices for the user.
 *
 * <p>Fields this version does not know (a newer version's, a hand edit's) are kept on rewrite. A
 * file of a newer format version is opened read-only, never downgraded; a file that cannot be read
 * at all is moved aside (never overwritten) and reported.
 */
public final class ReviewStore {
    static final String FORMAT = "gradcam-viewer-review";
    static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final List<String> KNOWN = List.of("image", "imageSha256", "verdict", "note", "time", "modelName",
            "modelSha256", "layer", "method", "target", "reviewer", "score", "placement", "history");

    /** One image's record: the current verdict, older differing ones (newest first), and the raw JSON it came from. */
    private record Item(ReviewEntry current, List<ReviewEntry> history, ObjectNode raw) { }

    private final Path file;
    private final Map<String, Item> items = new LinkedHashMap<>();
    private ObjectNode document;
    private String message;
    private boolean readOnly;
    /** Test seam: runs between writing the temporary file and renaming it. */
    AtomicFile.BeforeRename beforeRename = tmp -> { };

    private ReviewStore(Path file) {
        this.file = file;
    }

    /**
     * Opens (or starts) the review file. If it exists but cannot be read, it is renamed to
     * {@code <name>.unreadable-<time>} and an empty store is returned; {@link #setAsideMessage()} says so.
     */
    public static ReviewStore open(Path file) throws ReviewException {
        ReviewStore store = new ReviewStore(file);
        try {
            // reading needs no lock: the file is only ever replaced whole, by renaming
            store.readDisk(true);
        } catch (IOException e) {
            throw new ReviewException("the review file " + file + " cannot be opened: " + e.getMessage(), e);
        }
        return store;
    }

    public Path file() { return file; }

    /** Non-null when the file was set aside or opened read-only: what the user should be told. */
    public String setAsideMessage() { return message; }

    /** True for a file written by a newer version: it is shown, never rewritten. */
    public boolean readOnly() { return readOnly; }

    public synchronized Optional<ReviewEntry> get(String image) {
        Item i = items.get(image);
        return i == null ? Optional.empty() : Optional.of(i.current());
    }

    /** Older verdicts for the image that said something else, newest first. */
    public synchronized List<ReviewEntry> history(String image) {
        Item i = items.get(image);
        return i == null ? List.of() : List.copyOf(i.history());
    }

    public synchronized List<ReviewEntry> entries() {
        List<ReviewEntry> out = new ArrayList<>();
        for (Item i : items.values()) out.add(i.current());
        return Collections.unmodifiableList(out);
    }

    /**
     * Records an entry and saves at once, merged with what other viewers saved meanwhile. Returns
     * what the user should hear about their verdicts (arrived, superseded); on failure nothing
     * changes in memory or on disk.
     */
    public synchronized List<String> put(ReviewEntry entry) throws ReviewException {
        if (readOnly) throw new ReviewException(message, null);
        Map<String, Item> before = new LinkedHashMap<>(items);
        ObjectNode documentBefore = document;
        try (FolderLock lock = FolderLock.acquire(file)) {
            List<String> notices = readDisk(false);
            Item old = items.get(entry.image());
            List<ReviewEntry> history = new ArrayList<>();
            if (old != null) {
                history.addAll(old.history());
                if (old.current().differsFrom(entry) || !old.current().who().equals(entry.who())) {
                    history.add(0, old.current());
                    if (!old.current().who().equals(entry.who())) {
                        notices.add(String.format("Your verdict on %s (%s) replaces %s's (%s), which is kept in its history.",
                                entry.image(), entry.verdictText(), old.current().who(), old.current().verdictText()));
                    }
                }
            }
            items.put(entry.image(), new Item(entry, history, old == null ? null : old.raw()));
            save();
            return notices;
        } catch (IOException e) {
            items.clear();
            items.putAll(before);
            document = documentBefore;
            throw new ReviewException("the verdict could not be saved to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the file (if there is one) and merges it into memory; returns notices of others' verdicts. */
    private List<String> readDisk(boolean opening) throws IOException {
        List<String> notices = new ArrayList<>();
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return notices;
        } catch (IOException e) {
            setAside(e);
            return notices;
        }
        if (doc == null || !doc.isObject() || !FORMAT.equals(doc.path("format").asText()) || !doc.path("entries").isArray()) {
            setAside(new IOException("not a Grad-CAM Viewer review file"));
            return notices;
        }
        int version = doc.path("version").asInt(1);
        if (version > VERSION) {
            readOnly = true;
            message = "The review file " + file.getFileName() + " was written by a newer Grad-CAM Viewer (format version "
                    + version + "); it is opened read-only so that nothing in it is lost. Verdicts cannot be recorded here.";
        }
        document = (ObjectNode) doc;
        for (JsonNode node : doc.get("entries")) {
            if (!node.isObject() || !node.hasNonNull("image")) continue;
            ReviewEntry disk;
            List<ReviewEntry> diskHistory = new ArrayList<>();
            try {
                disk = JSON.treeToValue(node, ReviewEntry.class);
                for (JsonNode h : node.path("history")) diskHistory.add(JSON.treeToValue(h, ReviewEntry.class));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("entry for " + node.get("image").asText() + " cannot be read: " + firstLine(e.getMessage()), e);
            }
            merge(disk, diskHistory, (ObjectNode) node, opening ? null : notices);
        }
        return notices;
    }

    /** Folds one image's record from disk into memory: newest current, every other differing verdict kept. */
    private void merge(ReviewEntry disk, List<ReviewEntry> diskHistory, ObjectNode raw, List<String> notices) {
        Item mine = items.get(disk.image());
        if (mine == null) {
            items.put(disk.image(), new Item(disk, diskHistory, raw));
            if (notices != null) notices.add(String.format("%s recorded %s for %s.", disk.who(), disk.verdictText(), disk.image()));
            return;
        }
        if (mine.current().sameRecord(disk) && mine.history().size() >= diskHistory.size()) return;
        List<ReviewEntry> all = new ArrayList<>();
        all.add(mine.current());
        all.addAll(mine.history());
        all.add(disk);
        all.addAll(diskHistory);
        List<ReviewEntry> distinct = new ArrayList<>();
        for (ReviewEntry e : all) {
            if (distinct.stream().noneMatch(d -> d.sameRecord(e))) distinct.add(e);
        }
        distinct.sort(Comparator.comparing((ReviewEntry e) -> e.time() == null ? "" : e.time()).reversed()
                .thenComparing(e -> e.who()));
        ReviewEntry current = distinct.get(0);
        List<ReviewEntry> history = new ArrayList<>();
        ReviewEntry newer = current;
        for (ReviewEntry e : distinct.subList(1, distinct.size())) {
            if (e.differsFrom(newer) || !e.who().equals(newer.who())) history.add(e);
            newer = e;
        }
        items.put(disk.image(), new Item(current, history, raw));
        if (notices != null && !current.sameRecord(mine.current())) {
            notices.add(String.format("%s's newer verdict on %s (%s) replaces %s (%s), which is kept in its history.",
                    current.who(), disk.image(), current.verdictText(),
                    mine.current().who().equals(ReviewEntry.currentReviewer()) ? "yours" : mine.current().who() + "'s",
                    mine.current().verdictText()));
        }
    }

    private void setAside(IOException cause) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path real = AtomicFile.followLinks(file.toAbsolutePath());
        Path aside = real.resolveSibling(real.getFileName() + ".unreadable-" + stamp);
        try {
            Files.move(real, aside);
        } catch (IOException moveFailed) {
            throw new IOException("it cannot be read (" + firstLine(cause.getMessage()) + ") and cannot be set aside: " + moveFailed.getMessage(), cause);
        }
        message = "The review file could not be read (" + firstLine(cause.getMessage()) + "); it was kept as "
                + aside.getFileName() + " and a new one was started.";
    }

    private void save() throws IOException {
        ObjectNode doc = document == null ? JSON.createObjectNode() : document.deepCopy();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        ArrayNode entries = doc.putArray("entries");
        for (Item i : items.values()) {
            ObjectNode node = JSON.createObjectNode();
            ObjectNode known = JSON.valueToTree(i.current());
            node.setAll(known);
            ArrayNode history = node.putArray("history");
            for (ReviewEntry h : i.history()) history.add(JSON.valueToTree(h));
            if (i.raw() != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = i.raw().fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!KNOWN.contains(f.getKey())) node.set(f.getKey(), f.getValue());
                }
            }
            entries.add(node);
        }
        byte[] bytes = JSON.writeValueAsBytes(doc);
        AtomicFile.write(file, out -> out.write(bytes), true, beforeRename);
        document = doc;
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
