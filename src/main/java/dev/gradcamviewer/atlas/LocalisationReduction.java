package dev.gradcamviewer.atlas;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Localisation scores reduced per method, layer and label, each beside the random map's (a
 * fixed-seed uniform map, the baseline a map must beat): the hit rate of the pointing game, mean
 * IoU, mean share of the heat inside the region and mean ROC AUC. Ranked best first within a label
 * (by hit rate, then IoU), so that layers and methods can be compared.
 */
public final class LocalisationReduction {
    public record Key(String method, String layer, String label) { }

    public record Summary(Key key, int images, double hitRate, double iou, double massInside, double auc,
                          double randomHitRate, double randomIou, double randomMassInside) { }

    private static final class Sums {
        int images, hits, randomHits, massImages, randomMassImages, aucImages;
        double iou, mass, auc, randomIou, randomMass;
    }

    private final Map<Key, Sums> groups = new LinkedHashMap<>();

    public synchronized void add(Key key, Localisation map, Localisation random) {
        Sums s = groups.computeIfAbsent(key, k -> new Sums());
        s.images++;
        if (map.hit()) s.hits++;
        s.iou += map.iou();
        if (!Double.isNaN(map.massInside())) {
            s.mass += map.massInside();
            s.massImages++;
        }
        if (!Double.isNaN(map.auc())) {
            s.auc += map.auc();
            s.aucImages++;
        }
        if (random.hit()) s.randomHits++;
        s.randomIou += random.iou();
        if (!Double.isNaN(random.massInside())) {
            s.randomMass += random.massInside();
            s.randomMassImages++;
        }
    }

    public synchronized List<Summary> summaries() {
        List<Summary> out = new ArrayList<>();
        for (var e : groups.entrySet()) {
            Sums s = e.getValue();
            double n = s.images;
            out.add(new Summary(e.getKey(), s.images, s.hits / n, s.iou / n, s.massImages == 0 ? Double.NaN : s.mass / s.massImages,
                    s.aucImages == 0 ? Double.NaN : s.auc / s.aucImages, s.randomHits / n, s.randomIou / n,
                    s.randomMassImages == 0 ? Double.NaN : s.randomMass / s.randomMassImages));
        }
        out.sort(Comparator.comparing((Summary s) -> s.key().label()).thenComparing(Comparator.comparingDouble(Summary::hitRate).reversed())
                .thenComparing(Comparator.comparingDouble(Summary::iou).reversed()));
        return out;
    }
}
