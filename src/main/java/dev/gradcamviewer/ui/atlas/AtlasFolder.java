package dev.gradcamviewer.ui.atlas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.atlas.Outcomes;
import dev.gradcamviewer.files.CsvField;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * An atlas folder as `gradcam-viewer atlas` wrote it, read for the Atlas tab: its groups (from
 * atlas.json) and its images' rows (from images.csv), paths resolved against the folder the atlas
 * was made from. Plain Java, so it is tested without a scene.
 */
public final class AtlasFolder {
    /** A group of atlas.json; {@code meanMap} null when it has none. */
    public record Group(String by, String label, String layer, String method, int images, double noHeat, double outsideBody,
                        double uniformOutsideBody, double border, double uniformBorder, double peakOutsideBody, double fixedSpot,
                        int flaggedImages, boolean flagged, String finding, Path meanMap) { }

    /** A row of images.csv with a map. */
    public record ImageRow(Path image, String shown, String predicted, String explained, Set<String> truth, String outcome, String layer,
                           String method, double outsideBody, boolean peakOutsideBody, boolean peakInBorder, boolean flagged, double strength) { }

    private final Path dir;
    private final JsonNode json;
    private final List<Group> groups = new ArrayList<>();
    private final List<ImageRow> rows = new ArrayList<>();
    private final Outcomes outcomes;

    private AtlasFolder(Path dir, JsonNode json) {
        this.dir = dir;
        this.json = json;
        List<String> labels = new ArrayList<>();
        json.path("model").path("labels").forEach(l -> labels.add(l.asText()));
        this.outcomes = new Outcomes(labels);
    }

    /** Reads an atlas folder; a folder that is not one is refused with a message that says so. */
    public static AtlasFolder read(Path dir) throws IOException {
        Path file = dir.resolve("atlas.json");
        if (!Files.isRegularFile(file)) throw new IOException(dir.getFileName() + " is not an atlas folder (it has no atlas.json): make one with gradcam-viewer atlas");
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("atlas.json in " + dir.getFileName() + " cannot be read: " + e.getMessage(), e);
        }
        if (!"gradcam-viewer-atlas".equals(json.path("format").asText())) throw new IOException("atlas.json in " + dir.getFileName() + " is not an atlas");
        if (json.path("format_version").asInt() > 1) throw new IOException("the atlas in " + dir.getFileName() + " is of a newer format (" + json.path("format_version").asInt() + ")");
        AtlasFolder a = new AtlasFolder(dir, json);
        for (JsonNode g : json.path("groups")) {
            String mean = g.path("mean_map").isTextual() ? g.path("mean_map").asText() : null;
            Path meanMap = mean == null ? null : dir.resolve(mean).normalize();
            if (meanMap != null && !meanMap.startsWith(dir.normalize())) meanMap = null; // a name from the file never leaves the folder
            a.groups.add(new Group(g.path("by").asText(), g.path("label").asText(), g.path("layer").asText(), g.path("method").asText(),
                    g.path("images").asInt(), num(g, "no_heat"), num(g, "heat_outside_body"), num(g, "uniform_outside_body"), num(g, "heat_in_border"),
                    num(g, "uniform_border"), num(g, "peak_outside_body"), num(g, "fixed_spot"), g.path("flagged_images").asInt(),
                    g.path("flagged").asBoolean(), g.path("finding").isTextual() ? g.path("finding").asText() : "", meanMap));
        }
        a.readImages();
        return a;
    }

    private void readImages() throws IOException {
        Path csv = dir.resolve("images.csv");
        if (!Files.isRegularFile(csv)) return;
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) return;
        List<String> header = CsvField.split(lines.get(0));
        Path base = Path.of(json.path("working_directory").asText(dir.toAbsolutePath().toString()));
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = CsvField.split(line);
            if (f == null || f.size() != header.size()) continue;
            java.util.function.Function<String, String> at = name -> f.get(header.indexOf(name));
            if (at.apply("no_heat").isEmpty() || at.apply("no_heat").equals("true")) continue; // no map, or no heat: nothing to look at
            String shown = at.apply("image");
            Path image;
            try {
                image = base.resolve(shown).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                continue;
            }
            Set<String> truth = at.apply("truth").isEmpty() ? Set.of() : Set.of(at.apply("truth").split("\\|"));
            rows.add(new ImageRow(image, shown, at.apply("predicted"), header.contains("explained") ? at.apply("explained") : at.apply("predicted"), truth,
                    at.apply("outcome"), at.apply("layer"), at.apply("method"), parse(at.apply("heat_outside_body")), "true".equals(at.apply("peak_outside_body")),
                    "true".equals(at.apply("peak_in_border")), "true".equals(at.apply("flagged")), parse(at.apply("flag_strength"))));
        }
    }

    public Path dir() { return dir; }

    /** The masks folder the atlas was made with, resolved as its images are; null when none. */
    public Path masksDir() { return resolved("masks"); }

    /** The boxes file the atlas was made with, resolved as its images are; null when none (or not a path here). */
    public Path boxesFile() { return resolved("boxes"); }

    /** A path atlas.json names, against the folder the atlas was made from (as its images' relative paths are); null when none. */
    private Path resolved(String field) {
        if (!json.path(field).isTextual()) return null;
        try {
            return Path.of(json.path("working_directory").asText(dir.toAbsolutePath().toString())).resolve(json.path(field).asText()).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    public String modelName() { return json.path("model").path("name").asText(); }

    public String modelSha256() { return json.path("model").path("sha256").asText(); }

    public boolean partial() { return json.path("partial").asBoolean(); }

    public int imagesDone() { return json.path("images_done").asInt(); }

    public List<Group> groups() { return List.copyOf(groups); }

    /** The group's images with their map, the most strongly flagged first. */
    public List<ImageRow> imagesOf(Group g) {
        List<ImageRow> out = new ArrayList<>();
        for (ImageRow r : rows) {
            if (!r.layer().equals(g.layer()) || !r.method().equals(g.method())) continue;
            boolean in = switch (g.by()) {
                case "predicted" -> r.predicted().equals(g.label()) && r.explained().equals(g.label());
                case "truth" -> r.truth().stream().anyMatch(t -> outcomes.modelName(t).equals(g.label()));
                case "outcome" -> r.outcome().equals(g.label());
                default -> false;
            };
            if (in) out.add(r);
        }
        out.sort(Comparator.comparingDouble(ImageRow::strength).reversed().thenComparing(ImageRow::shown));
        return out;
    }

    private static double num(JsonNode g, String name) {
        return g.path(name).isNumber() ? g.path(name).asDouble() : Double.NaN;
    }

    private static double parse(String s) {
        try {
            return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
