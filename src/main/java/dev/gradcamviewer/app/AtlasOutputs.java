package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcamviewer.atlas.AtlasReduction;
import dev.gradcamviewer.atlas.AtlasRow;
import dev.gradcamviewer.atlas.BoxesFile;
import dev.gradcamviewer.atlas.LabelsFile;
import dev.gradcamviewer.atlas.Localisation;
import dev.gradcamviewer.atlas.LocalisationReduction;
import dev.gradcamviewer.atlas.MapStatistics;
import dev.gradcamviewer.atlas.MaskFiles;
import dev.gradcamviewer.atlas.Outcomes;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.CropRegion;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.HeatmapPlacer;
import dev.gradcamviewer.imaging.OverlayRows;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.PngEncoder;
import dev.gradcamviewer.model.Manifest;
import dev.gradcamviewer.model.ModelBundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What atlas writes into --out: images.csv (a row per image, layer and method), atlas.json (the
 * groups, schema in the README), mean-maps/*.png and report.html, each written whole or not at all.
 */
public final class AtlasOutputs {
    static final String FORMAT = "gradcam-viewer-atlas";
    static final int FORMAT_VERSION = 1;

    private final Path out;
    private final ModelBundle bundle;
    private final List<String> layers;
    private final List<CamMethod> methods;
    private final Placement placement;
    private final LabelsFile labels;
    private final MaskFiles masks;
    private final BoxesFile boxes;
    private final LocalisationReduction localisation;
    private final List<ImageFiles.Problem> problems;
    private final HeatColorizer meanColours = new HeatColorizer(Colormap.of("jet"), 1);

    public AtlasOutputs(Path out, ModelBundle bundle, List<String> layers, List<CamMethod> methods, Placement placement, LabelsFile labels,
                 MaskFiles masks, BoxesFile boxes, LocalisationReduction localisation, List<ImageFiles.Problem> problems) {
        this.boxes = boxes;
        this.localisation = localisation;
        this.out = out;
        this.bundle = bundle;
        this.layers = layers;
        this.methods = methods;
        this.placement = placement;
        this.labels = labels;
        this.masks = masks;
        this.problems = problems;
    }

    /** Whether a group may be flagged: a label that means no finding, and the outcomes that predicted it, have no place of their own. */
    static boolean flaggable(AtlasReduction.Key k) {
        if (k.by() == AtlasReduction.By.OUTCOME) return k.label().equals("TP") || k.label().equals("FP");
        return !Outcomes.isNegative(k.label());
    }

    public void write(List<AtlasRow> rows, List<AtlasReduction.Summary> summaries, FlaggedThumbnails thumbs, boolean partial) throws IOException {
        try {
            Map<AtlasReduction.Key, MeanMapFile> meanMaps = writeMeanMaps(summaries);
            writeText("images.csv", imagesCsv(rows));
            List<LocalisationReduction.Summary> located = localisation.summaries();
            if (boxes != null || !located.isEmpty()) writeText("localisation.csv", localisationCsv(located));
            ObjectNode json = json(rows, summaries, meanMaps, partial);
            writeText("atlas.json", new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
            writeText("report.html", new AtlasReport(json, summaries, located, meanMaps, thumbs, layers, methods).html());
        } catch (IOException e) {
            throw new IOException("the atlas could not be written into " + out + " (" + Failures.message(e) + ")", e);
        }
    }

    /** The stderr lines: a WARNING per flagged group, a note per label that has no place of its own. */
    public List<String> warnings(List<AtlasReduction.Summary> summaries) {
        List<String> lines = new ArrayList<>();
        for (AtlasReduction.Summary s : summaries) {
            String text = describe(s);
            if (text == null) continue;
            if (flaggable(s.key()) && s.flagged()) lines.add("WARNING: " + text);
            else if (!flaggable(s.key()) && s.flaggedImages() * 4 >= s.images() && s.flaggedImages() > 0) {
                lines.add("gradcam-viewer: note: " + text + " (a label that means no finding has no place of its own: not flagged)");
            }
        }
        return lines;
    }

    /** What is wrong with a group, in a sentence; null when nothing is. */
    static String describe(AtlasReduction.Summary s) {
        List<String> parts = new ArrayList<>();
        int n = s.withHeat();
        int out = (int) Math.round(s.peakOutsideBody() * n);
        int band = (int) Math.round(s.peakInBorder() * n);
        int spot = (int) Math.round(s.fixedSpot() * n);
        if (out > 0) parts.add(out + " of " + n + " images peak outside the body");
        if (band > 0) parts.add(band + " of " + n + " peak in the border band");
        if (s.spotFlagged()) parts.add(spot + " of " + n + " peak at the same spot");
        if (s.flaggedImages() > 0 && parts.isEmpty()) parts.add(s.flaggedImages() + " of " + s.images() + " images have more than half their heat outside the body");
        if (parts.isEmpty()) return null;
        return groupName(s.key()) + ": " + String.join("; ", parts) + " (" + s.flaggedImages() + " of " + s.images() + " images flagged)";
    }

    static String groupName(AtlasReduction.Key k) {
        String what = switch (k.by()) {
            case PREDICTED -> k.label();
            case TRUTH -> "true " + k.label();
            case OUTCOME -> k.label();
        };
        return what + " [" + k.method() + ", " + k.layer() + "]";
    }

    private String imagesCsv(List<AtlasRow> rows) {
        StringBuilder b = new StringBuilder("image,status,predicted,probability,truth,outcome,layer,method,no_heat,heat_outside_body,"
                + "uniform_outside_body,heat_in_border,uniform_border,heat_in_mask,uniform_mask,peak_x,peak_y,peak_outside_body,"
                + "peak_in_border,peak_in_mask,flagged,flag_strength,explained,hit,iou,mass_inside,auc,road_combined,random_road_combined\n");
        for (ImageFiles.Problem p : problems) {
            b.append(dev.gradcamviewer.files.CsvField.quote(PathNames.shown(p.path()))).append(',').append(dev.gradcamviewer.files.CsvField.quote("failed: " + p.reason())).append(",,,,,,").append(",".repeat(21)).append('\n');
        }
        for (AtlasRow r : rows) {
            b.append(dev.gradcamviewer.files.CsvField.quote(r.image())).append(',').append(dev.gradcamviewer.files.CsvField.quote(r.status())).append(',').append(dev.gradcamviewer.files.CsvField.quote(r.predicted())).append(',')
                    .append(Double.isNaN(r.probability()) ? "" : String.format(Locale.ROOT, "%.6f", r.probability())).append(',')
                    .append(dev.gradcamviewer.files.CsvField.quote(String.join("|", r.truth()))).append(',').append(r.outcome()).append(',')
                    .append(dev.gradcamviewer.files.CsvField.quote(r.layer())).append(',').append(r.method()).append(',');
            MapStatistics s = r.statistics();
            if (s == null) {
                b.append(",".repeat(20)).append('\n');
                continue;
            }
            b.append(s.noHeat()).append(',').append(num(s.heatOutsideBody())).append(',').append(num(s.uniformOutsideBody())).append(',')
                    .append(num(s.heatInBorder())).append(',').append(num(s.uniformBorder())).append(',').append(num(s.heatInMask())).append(',')
                    .append(num(s.uniformMask())).append(',').append(s.noHeat() ? "" : s.peakX()).append(',').append(s.noHeat() ? "" : s.peakY()).append(',')
                    .append(s.noHeat() ? "" : s.peakOutsideBody()).append(',').append(s.noHeat() ? "" : s.peakInBorder()).append(',')
                    .append(s.noHeat() || !s.hasMask() ? "" : s.peakInMask()).append(',').append(s.flagged()).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", s.flagStrength())).append(',').append(dev.gradcamviewer.files.CsvField.quote(r.explained())).append(',');
            Localisation l = r.localisation();
            if (l == null) b.append(",,,");
            else b.append(l.hit()).append(',').append(num(l.iou())).append(',').append(num(l.massInside())).append(',').append(num(l.auc()));
            b.append(',').append(num(r.road())).append(',').append(num(r.randomRoad())).append('\n');
        }
        return b.toString();
    }

    static final String LOCALISATION_HEADER = "method,layer,label,images,hit_rate,iou,mass_inside,auc,random_hit_rate,random_iou,random_mass_inside";

    private static String localisationCsv(List<LocalisationReduction.Summary> located) {
        StringBuilder b = new StringBuilder(LOCALISATION_HEADER).append('\n');
        for (LocalisationReduction.Summary s : located) {
            b.append(s.key().method()).append(',').append(dev.gradcamviewer.files.CsvField.quote(s.key().layer())).append(',').append(dev.gradcamviewer.files.CsvField.quote(s.key().label())).append(',')
                    .append(s.images()).append(',').append(num(s.hitRate())).append(',').append(num(s.iou())).append(',').append(num(s.massInside()))
                    .append(',').append(num(s.auc())).append(',').append(num(s.randomHitRate())).append(',').append(num(s.randomIou())).append(',')
                    .append(num(s.randomMassInside())).append('\n');
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private ObjectNode json(List<AtlasRow> rows, List<AtlasReduction.Summary> summaries, Map<AtlasReduction.Key, MeanMapFile> meanMaps, boolean partial) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("partial", partial);
        root.put("created", java.time.OffsetDateTime.now().withNano(0).toString());
        root.put("software", "Grad-CAM Viewer " + AppVersion.get());
        root.put("working_directory", Path.of("").toAbsolutePath().toString()); // what the images' relative paths are relative to
        ObjectNode model = root.putObject("model");
        model.put("name", bundle.name());
        model.put("file", bundle.file().getFileName().toString());
        model.put("sha256", bundle.sha256());
        ArrayNode labelNames = model.putArray("labels");
        bundle.labels().forEach(labelNames::add);
        ArrayNode ls = root.putArray("layers");
        layers.forEach(ls::add);
        ArrayNode ms = root.putArray("methods");
        methods.forEach(c -> ms.add(c.id()));
        root.put("placement", placement.id());
        root.put("labels_file", labels == null ? null : PathNames.shown(labels.file()));
        root.put("masks", masks == null ? null : PathNames.shown(masks.dir()));
        root.put("boxes", boxes == null ? null : PathNames.shown(boxes.file()));
        java.util.Set<String> images = new java.util.LinkedHashSet<>();
        java.util.Set<String> done = new java.util.HashSet<>();
        java.util.Set<String> failed = new java.util.HashSet<>();
        for (AtlasRow r : rows) {
            images.add(r.image());
            if (r.done()) done.add(r.image());
            else failed.add(r.image());
        }
        root.put("images", images.size() + problems.size());
        root.put("images_done", done.size());
        root.put("images_failed", failed.size() + problems.size());
        ArrayNode located = root.putArray("localisation");
        for (LocalisationReduction.Summary l : localisation.summaries()) {
            ObjectNode o = located.addObject();
            o.put("method", l.key().method());
            o.put("layer", l.key().layer());
            o.put("label", l.key().label());
            o.put("images", l.images());
            put(o, "hit_rate", l.hitRate());
            put(o, "iou", l.iou());
            put(o, "mass_inside", l.massInside());
            put(o, "auc", l.auc());
            put(o, "random_hit_rate", l.randomHitRate());
            put(o, "random_iou", l.randomIou());
            put(o, "random_mass_inside", l.randomMassInside());
        }
        ArrayNode groups = root.putArray("groups");
        for (AtlasReduction.Summary s : summaries) {
            ObjectNode g = groups.addObject();
            g.put("by", s.key().by().id());
            g.put("label", s.key().label());
            g.put("layer", s.key().layer());
            g.put("method", s.key().method());
            g.put("images", s.images());
            g.put("with_heat", s.withHeat());
            put(g, "no_heat", s.noHeat());
            put(g, "heat_outside_body", s.heatOutsideBody());
            put(g, "uniform_outside_body", s.uniformOutsideBody());
            put(g, "heat_in_border", s.heatInBorder());
            put(g, "uniform_border", s.uniformBorder());
            put(g, "heat_in_mask", s.heatInMask());
            put(g, "uniform_mask", s.uniformMask());
            put(g, "peak_outside_body", s.peakOutsideBody());
            put(g, "peak_in_border", s.peakInBorder());
            put(g, "peak_in_mask", s.peakInMask());
            put(g, "fixed_spot", s.fixedSpot());
            put(g, "road_combined", s.road());
            put(g, "random_road_combined", s.randomRoad());
            g.put("flagged_images", s.flaggedImages());
            boolean flaggable = flaggable(s.key());
            g.put("flaggable", flaggable);
            g.put("flagged", flaggable && s.flagged());
            String why = describe(s);
            g.put("finding", why == null ? null : why.substring(why.indexOf("]: ") + 3));
            g.put("mean_map", meanMaps.containsKey(s.key()) ? meanMaps.get(s.key()).name() : null);
            g.put("mean_map_images", s.meanMap().count());
        }
        return root;
    }

    private static void put(ObjectNode g, String name, double v) {
        if (Double.isNaN(v)) g.putNull(name);
        else g.put(name, v);
    }

    /** Each group's mean map over its mean model input, in the model's input frame; its file (relative to --out) by group. */
    /** A mean map as written: its file's name relative to --out, and its PNG (the report embeds it). */
    record MeanMapFile(String name, byte[] png) { }

    private Map<AtlasReduction.Key, MeanMapFile> writeMeanMaps(List<AtlasReduction.Summary> summaries) throws IOException {
        Map<AtlasReduction.Key, MeanMapFile> files = new LinkedHashMap<>();
        for (AtlasReduction.Summary s : summaries) {
            byte[] png = meanMapPng(s);
            if (png == null) continue;
            AtlasReduction.Key k = s.key();
            String name = "mean-maps/" + PathNames.safe(k.by().id() + "-" + k.label()) + "." + PathNames.safe(k.layer()) + "." + k.method() + ".png";
            Path target = out.resolve(name);
            java.nio.file.Files.createDirectories(target.getParent());
            AtomicFile.write(target, o -> o.write(png));
            files.put(k, new MeanMapFile(name, png));
        }
        return files;
    }

    /** The mean map, scaled to its maximum, over the mean input (scaled to its range); null when no image of the group shows heat. */
    byte[] meanMapPng(AtlasReduction.Summary s) throws IOException {
        AtlasReduction.MeanMap mean = s.meanMap();
        if (mean.cells() == null || mean.input() == null || mean.count() == 0) return null;
        int h = mean.inputRows();
        int w = mean.inputCols();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : mean.input()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] gray = new float[w * h];
        for (int i = 0; i < gray.length; i++) gray[i] = hi > lo ? (mean.input()[i] - lo) / (hi - lo) : 0.5f;
        float max = 0;
        for (float v : mean.cells()) max = Math.max(max, v);
        float[] cells = mean.cells().clone();
        if (max > 0) for (int i = 0; i < cells.length; i++) cells[i] /= max;
        Manifest.TapSpec tap = bundle.manifest().taps().stream().filter(t -> t.name().equals(s.key().layer())).findFirst().orElseThrow();
        HeatmapPlacer.Rows rows = HeatmapPlacer.rows(cells, mean.rows(), mean.cols(), ExplainedImage.geometry(tap, h, w, placement),
                new CropRegion(0, 0, h, w, 1, 1), placement);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PngEncoder.write(new OverlayRows(new DecodedImage(w, h, new float[][] {gray}, 8), rows, meanColours, 0.5), bytes, PngEncoder.Compression.SMALL);
        return bytes.toByteArray();
    }

    private void writeText(String name, String text) throws IOException {
        AtomicFile.write(out.resolve(name), o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
