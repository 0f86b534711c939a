package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/** Reads and checks a manifest; every problem becomes a {@link BundleException} naming it. */
public final class ManifestReader {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final List<String> REQUIRED = List.of(
            "format", "format_version", "model", "model.name", "tree", "input", "input.shape", "input.colour",
            "input.mean", "input.std", "output", "output.activation", "output.labels", "taps");
    private static final Set<String> ACTIVATIONS = Set.of("sigmoid", "softmax", "logits");

    private ManifestReader() { }

    public static Manifest read(String json) throws BundleException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new BundleException("the Grad-CAM manifest is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw new BundleException("the Grad-CAM manifest is not a JSON object");
        for (String field : REQUIRED) {
            JsonNode node = root;
            for (String part : field.split("\\.")) node = node == null ? null : node.get(part);
            if (node == null || node.isNull()) throw new BundleException("the Grad-CAM manifest lacks the field '" + field + "'");
        }
        if (!Manifest.FORMAT.equals(root.get("format").asText())) {
            throw new BundleException("the manifest's format is '" + root.get("format").asText()
                    + "', not '" + Manifest.FORMAT + "'");
        }
        int version = root.get("format_version").asInt(-1);
        if (version > Manifest.SUPPORTED_VERSION || version < 1) {
            throw new BundleException("the bundle has format version " + root.get("format_version").asText()
                    + "; this viewer reads version " + Manifest.SUPPORTED_VERSION + ". Update the viewer or re-export the model.");
        }
        Manifest m;
        try {
            m = MAPPER.treeToValue(root, Manifest.class);
        } catch (IOException e) {
            throw new BundleException("the Grad-CAM manifest has a field of the wrong kind: " + firstLine(e.getMessage()));
        }
        check(m);
        return m;
    }

    private static void check(Manifest m) throws BundleException {
        Manifest.InputSpec in = m.input();
        if (in.shape().size() != 4 || in.shape().get(0) != 1 || in.shape().stream().anyMatch(d -> d == null || d < 1)) {
            throw new BundleException("the manifest's input shape " + in.shape() + " is not [1, channels, height, width]");
        }
        int c = in.channels();
        if (c != 1 && c != 3) throw new BundleException("the model takes " + c + " channels; only 1 or 3 are supported");
        if (in.mean().size() != c || in.std().size() != c) {
            throw new BundleException("the manifest needs " + c + " mean and std values, one per channel");
        }
        if (in.std().stream().anyMatch(s -> s == null || s == 0)) throw new BundleException("the manifest has a zero std");
        if (in.centerCrop() != null && in.centerCrop().size() != 2) {
            throw new BundleException("the manifest's center_crop must be [height, width]");
        }
        if (!Set.of("RGB", "L").contains(in.colour())) throw new BundleException("the manifest's colour is '" + in.colour() + "' (RGB or L)");
        if (c == 1 != in.colour().equals("L")) throw new BundleException("the manifest's colour " + in.colour() + " does not match " + c + " input channel(s)");
        if (in.interpolation() != null && !in.interpolation().equals("bilinear") && !in.interpolation().equals("bicubic")) {
            throw new BundleException("the manifest's interpolation '" + in.interpolation() + "' is not supported (bilinear or bicubic)");
        }
        for (int k = 0; k < c; k++) {
            Double mean = in.mean().get(k);
            Double std = in.std().get(k);
            if (mean == null || std == null || !Double.isFinite(mean) || !Double.isFinite(std) || std <= 0) {
                throw new BundleException("the manifest's mean and std must be finite numbers, std above zero (channel " + k + ")");
            }
        }
        Manifest.DicomWindow dw = in.dicomWindowRule();
        if (!Set.of("file", "full-range", "fixed").contains(String.valueOf(dw.rule()))) {
            throw new BundleException("the manifest's dicom_window rule '" + dw.rule() + "' is not file, full-range or fixed");
        }
        if (dw.rule().equals("fixed") && (dw.center() == null || dw.width() == null || !Double.isFinite(dw.center()) || !(dw.width() > 0))) {
            throw new BundleException("the manifest's fixed dicom_window needs a centre and a width above zero");
        }
        if (in.resize() != null && in.resize() < 1) throw new BundleException("the manifest's resize " + in.resize() + " is not a size");
        if (in.centerCrop() != null && (in.centerCrop().get(0) == null || in.centerCrop().get(1) == null
                || in.centerCrop().get(0) != in.height() || in.centerCrop().get(1) != in.width())) {
            throw new BundleException("the manifest's center_crop " + in.centerCrop() + " is not the model's input size "
                    + in.height() + "x" + in.width());
        }
        if (in.centerCrop() != null && in.resize() != null && in.resize() < Math.min(in.height(), in.width())) {
            throw new BundleException("the manifest resizes to " + in.resize() + " px but crops " + in.height() + "x" + in.width());
        }
        if (!ACTIVATIONS.contains(m.output().activation())) {
            throw new BundleException("unknown output activation '" + m.output().activation() + "' (sigmoid, softmax or logits)");
        }
        if (m.output().labels().size() < 2) throw new BundleException("the manifest needs at least two labels");
        if (m.output().labels().stream().anyMatch(l -> l == null || l.isBlank())) throw new BundleException("the manifest has an empty label");
        if (new java.util.HashSet<>(m.output().labels()).size() != m.output().labels().size()) {
            throw new BundleException("the manifest names a label twice: " + m.output().labels());
        }
        Set<String> names = new java.util.HashSet<>();
        for (Manifest.TapSpec t : m.taps()) {
            if (t.name() == null || t.name().isBlank() || t.shape() == null || t.shape().size() != 4) {
                throw new BundleException("tap '" + t.name() + "' has no name or no 4-D shape in the manifest");
            }
            if (!names.add(t.name())) throw new BundleException("the manifest names tap '" + t.name() + "' twice");
            if (t.shape().get(0) == null || t.shape().get(0) != 1 || t.shape().stream().anyMatch(d -> d == null || d < 1)) {
                throw new BundleException("tap '" + t.name() + "' has the shape " + t.shape() + ", not [1, channels, height, width]");
            }
            Manifest.Geometry g = t.geometry();
            if (g != null && (!finitePair(g.origin()) || !finitePair(g.step()) || g.step().get(0) <= 0 || g.step().get(1) <= 0)) {
                throw new BundleException("tap '" + t.name() + "' has a cell geometry that is not two finite origins and two positive steps");
            }
        }
        if (m.defaultLayer() != null && m.taps().stream().noneMatch(t -> t.name().equals(m.defaultLayer()))) {
            throw new BundleException("the default layer '" + m.defaultLayer() + "' is not one of the taps");
        }
    }

    private static boolean finitePair(List<Double> v) {
        return v != null && v.size() == 2 && v.get(0) != null && v.get(1) != null && Double.isFinite(v.get(0)) && Double.isFinite(v.get(1));
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
