package dev.gradcamviewer.app;

import dev.gradcamviewer.atlas.MapStatistics;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.OverlayRows;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.PngEncoder;
import dev.gradcamviewer.imaging.Resampler;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The most strongly flagged maps of each layer and method, as small overlay PNGs for the report: a
 * thumbnail is made only for a map that enters the top {@code keep} of its layer and method, so a
 * dataset's thumbnails never pile up in memory.
 */
public final class FlaggedThumbnails {
    static final int SIZE = 224;

    /** One flagged map's thumbnail, with what its caption says. */
    record Thumbnail(String image, String predicted, String layer, String method, MapStatistics statistics, byte[] png) { }

    private final int keep;
    private final HeatColorizer colours;
    private final double alpha;
    private final Map<String, PriorityQueue<Thumbnail>> best = new HashMap<>();

    public FlaggedThumbnails(int keep, HeatColorizer colours, double alpha) {
        this.keep = keep;
        this.colours = colours;
        this.alpha = alpha;
    }

    void offer(String layer, CamMethod method, String image, String predicted, MapStatistics st, ExplainedImage ex, Placement placement) throws java.io.IOException {
        String key = layer + "|" + method.id();
        synchronized (this) {
            PriorityQueue<Thumbnail> q = best.computeIfAbsent(key, k -> new PriorityQueue<>(Comparator.comparingDouble(t -> t.statistics().flagStrength())));
            if (q.size() >= keep && q.peek().statistics().flagStrength() >= st.flagStrength()) return;
        }
        byte[] png = render(ex, layer, method, placement);
        synchronized (this) {
            PriorityQueue<Thumbnail> q = best.get(key);
            q.add(new Thumbnail(image, predicted, layer, method.id(), st, png));
            while (q.size() > keep) q.poll();
        }
    }

    /** The thumbnails of a layer and method, the most flagged first. */
    synchronized List<Thumbnail> of(String layer, String method) {
        List<Thumbnail> out = new ArrayList<>(best.getOrDefault(layer + "|" + method, new PriorityQueue<>()));
        out.sort(Comparator.comparingDouble((Thumbnail t) -> t.statistics().flagStrength()).reversed().thenComparing(Thumbnail::image));
        return out;
    }

    private byte[] render(ExplainedImage ex, String layer, CamMethod method, Placement placement) throws java.io.IOException {
        DecodedImage img = ex.image();
        double s = Math.min(1.0, (double) SIZE / Math.max(img.width(), img.height()));
        int w = Math.max(1, (int) Math.round(img.width() * s));
        int h = Math.max(1, (int) Math.round(img.height() * s));
        float[][] planes = new float[img.channels()][];
        for (int c = 0; c < planes.length; c++) planes[c] = Resampler.bilinear(img.planes()[c], img.width(), img.height(), w, h);
        DecodedImage small = new DecodedImage(w, h, planes, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngEncoder.write(new OverlayRows(small, ex.scaledRows(layer, method, placement, (double) w / img.width()), colours, alpha), out,
                PngEncoder.Compression.SMALL);
        return out.toByteArray();
    }
}
