package dev.gradcamviewer.app;

import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.LayerData;
import dev.gradcamviewer.imaging.CellGeometry;
import dev.gradcamviewer.imaging.CropRegion;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.HeatmapPlacer;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.Manifest;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.TapTensors;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One image after one model pass: everything a layer, method or placement change needs, without
 * running the model again. Maps and placements are cached per choice. Closing it frees the
 * pass's layers that were never looked at; maps already made stay usable.
 */
public final class ExplainedImage implements AutoCloseable {
    private final Path file;
    private final DecodedImage image;
    private final Preprocessed input;
    private final PassResult pass;
    private final Map<String, Manifest.TapSpec> taps;
    private final Map<String, CamMap> maps = new ConcurrentHashMap<>();
    private final Map<String, PlacedMap> placed = new ConcurrentHashMap<>();

    public ExplainedImage(Path file, DecodedImage image, Preprocessed input, PassResult pass, List<Manifest.TapSpec> tapSpecs) {
        this.file = file;
        this.image = image;
        this.input = input;
        this.pass = pass;
        this.taps = new ConcurrentHashMap<>();
        for (Manifest.TapSpec t : tapSpecs) taps.put(t.name(), t);
    }

    public Path file() { return file; }

    public DecodedImage image() { return image; }

    public Preprocessed input() { return input; }

    public PassResult pass() { return pass; }

    public CamMap cam(String layer, CamMethod method) {
        CamMap done = maps.get(layer + "|" + method.id());
        if (done != null) return done;
        if (method.needsModelPasses()) {
            throw new IllegalStateException(method.displayName() + " of " + layer + " needs the model's passes first (ModelPassCams)");
        }
        return maps.computeIfAbsent(layer + "|" + method.id(), k -> method.compute(layer(layer)));
    }

    private final Map<String, FaithfulnessRunner.Result> faithfulness = new ConcurrentHashMap<>();

    /** The faithfulness scores of a map, when measured already; else null. */
    public FaithfulnessRunner.Result faithfulness(String layer, CamMethod method) {
        return faithfulness.get(layer + "|" + method.id());
    }

    void keepFaithfulness(String layer, CamMethod method, FaithfulnessRunner.Result r) {
        faithfulness.put(layer + "|" + method.id(), r);
    }

    private final Map<String, RoadRunner.Result> road = new ConcurrentHashMap<>();

    /** The ROAD scores of a map, when measured already; else null. */
    public RoadRunner.Result road(String layer, CamMethod method) {
        return road.get(layer + "|" + method.id());
    }

    void keepRoad(String layer, CamMethod method, RoadRunner.Result r) {
        road.put(layer + "|" + method.id(), r);
    }

    /** Whether the map of this layer and method is made already. */
    public boolean hasMap(String layer, CamMethod method) {
        return maps.containsKey(layer + "|" + method.id());
    }

    /** A layer's activations and gradients, as the methods take them. */
    public LayerData layer(String layer) {
        TapTensors t = pass.tap(layer);
        return new LayerData(t.activations(), t.gradients(), t.channels(), t.height(), t.width());
    }

    /** A map made elsewhere (by further passes of the model), kept with the others. */
    public void keep(String layer, CamMethod method, CamMap map) {
        maps.put(layer + "|" + method.id(), map);
    }

    public PlacedMap placed(String layer, CamMethod method, Placement placement) {
        return placed.computeIfAbsent(layer + "|" + method.id() + "|" + placement.id(), k -> HeatmapPlacer.place(placedRows(layer, method, placement)));
    }

    /** The placed map in the decoded image's pixels, row by row (what {@link #placed} holds whole). */
    public HeatmapPlacer.Rows placedRows(String layer, CamMethod method, Placement placement) {
        CamMap m = cam(layer, method);
        return HeatmapPlacer.rows(m.values(), m.height(), m.width(), geometry(layer, placement), input.crop(), placement);
    }

    /**
     * The placed map in the pixels of the file itself, row by row: for an image read at 1/s of its
     * size the crop scales by s, so that the overlay can be written at the file's full resolution.
     */
    public HeatmapPlacer.Rows sourceRows(String layer, CamMethod method, Placement placement) {
        return scaledRows(layer, method, placement, image.step());
    }

    /** The placed map on the decoded image scaled by {@code s} (a thumbnail's, or the file's own pixels), row by row. */
    public HeatmapPlacer.Rows scaledRows(String layer, CamMethod method, Placement placement, double s) {
        CamMap m = cam(layer, method);
        CropRegion c = input.crop();
        CropRegion scaled = new CropRegion(c.top() * s, c.left() * s, c.height() * s, c.width() * s, c.scaleY() * s, c.scaleX() * s);
        return HeatmapPlacer.rows(m.values(), m.height(), m.width(), geometry(layer, placement), scaled, placement);
    }

    /** True when this layer was computed in the pass (a model without a manifest has none). */
    public boolean hasLayer(String layer) { return pass.hasTap(layer); }

    @Override
    public void close() { pass.close(); }

    /** The tap's recorded cell geometry; for RESIZE only the map size matters. */
    CellGeometry geometry(String layer, Placement placement) {
        Manifest.TapSpec t = taps.get(layer);
        if (t == null) throw new IllegalArgumentException("layer '" + layer + "' is not tapped in this model");
        return geometry(t, input.height(), input.width(), placement);
    }

    /** Where a tap's cells sit on a model input of {@code height} x {@code width}. */
    public static CellGeometry geometry(Manifest.TapSpec t, int height, int width, Placement placement) {
        Manifest.Geometry g = t.geometry();
        if (placement == Placement.RESIZE || g == null) {
            return CellGeometry.halfPixel(t.shape().get(2), t.shape().get(3), height, width);
        }
        return new CellGeometry(g.origin().get(0), g.origin().get(1), g.step().get(0), g.step().get(1));
    }
}
