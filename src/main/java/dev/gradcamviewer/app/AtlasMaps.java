package dev.gradcamviewer.app;

import dev.gradcamviewer.atlas.AtlasRow;
import dev.gradcamviewer.atlas.BodyMask;
import dev.gradcamviewer.atlas.BoxRegion;
import dev.gradcamviewer.atlas.BoxesFile;
import dev.gradcamviewer.atlas.Localisation;
import dev.gradcamviewer.atlas.LocalisationReduction;
import dev.gradcamviewer.atlas.LabelsFile;
import dev.gradcamviewer.atlas.MapStatistics;
import dev.gradcamviewer.atlas.MaskFiles;
import dev.gradcamviewer.atlas.Outcomes;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.RandomCam;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.Prediction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The atlas's work on each image, for the command line's batch and the viewer alike: every method's map of every layer, then (beside the
 * next image's pass) the body mask, the mask given for the image, each map's statistics, and a
 * thumbnail when the map is among the most flagged so far.
 */
public final class AtlasMaps {
    /**
     * {@code boxes}: ground truth to localise against (images with boxes of a model label are explained
     * for that label); without boxes, {@code masksAreTruth} localises against each image's mask when it
     * is not empty. {@code localisation} collects the scores.
     */
    public record Settings(List<String> layers, List<CamMethod> methods, Placement placement, LabelsFile labels, MaskFiles masks,
                    Outcomes outcomes, BoxesFile boxes, boolean masksAreTruth, List<String> modelLabels, LocalisationReduction localisation,
                    boolean road) {
        boolean localising() { return boxes != null || masksAreTruth; }
    }

    private static final CamMethod RANDOM = new RandomCam();

    private final Settings s;
    /** How model work is run: the command line's with a time limit on a thread of its own; the viewer's directly, on its model thread. */
    public interface ModelCalls {
        <T> T call(String what, java.util.concurrent.Callable<T> work) throws Exception;

        /** Model work run where it is asked for. */
        static <T> T direct(String what, java.util.concurrent.Callable<T> work) throws Exception {
            return work.call();
        }
    }

    private final ModelBundle bundle;
    private final ModelCalls runner;
    private final FlaggedThumbnails thumbnails;

    public AtlasMaps(Settings settings, ModelBundle bundle, ModelCalls calls, FlaggedThumbnails thumbnails) {
        this.s = settings;
        this.bundle = bundle;
        this.runner = calls;
        this.thumbnails = thumbnails;
    }

    /** The label an image is explained for: that of its boxes (the first that is a model label), else its prediction (-1). */
    public int targetOf(Path file) {
        if (s.boxes() == null) return -1;
        for (BoxesFile.Box b : s.boxes().boxes(file)) {
            int i = s.modelLabels().indexOf(s.outcomes().modelName(b.label()));
            if (i >= 0) return i;
        }
        return -1;
    }

    /** The maps (and ROAD scores) the atlas needs, while the pass's tensors are live (the model's side). */
    public void maps(ExplainedImage ex) throws Exception {
        for (String layer : s.layers()) {
            if (s.localising() || s.road()) ex.cam(layer, RANDOM);
            for (CamMethod m : s.methods()) {
                if (m.needsModelPasses()) runner.call(m.displayName() + " of " + layer, () -> ModelPassCams.compute(m, bundle, ex, layer, k -> { }));
                else ex.cam(layer, m);
            }
            if (!s.road()) continue;
            for (CamMethod m : s.methods()) {
                if (ex.cam(layer, m).zeroGradient()) continue;
                runner.call("ROAD of " + m.displayName() + " at " + layer, () -> RoadRunner.measure(bundle, ex, layer, m, () -> false));
            }
            runner.call("ROAD of the random map at " + layer, () -> RoadRunner.measure(bundle, ex, layer, RANDOM, () -> false));
        }
    }

    /** The image's rows: body, mask, statistics and localisation of each map; never throws (a failure is the image's row). */
    public List<AtlasRow> results(Path file, ExplainedImage ex, long start, Runnable failure) {
        String shown = PathNames.shown(file);
        List<AtlasRow> rows = new ArrayList<>();
        try (ex) {
            var image = ex.image();
            int w = image.width();
            int h = image.height();
            boolean[] body = BodyMask.of(BodyMask.levels(image), w, h);
            MaskFiles.Found mask = s.masks() == null ? new MaskFiles.Found(null, null, null)
                    : s.masks().forImage(file, w, h, image.sourceWidth(), image.sourceHeight());
            if (mask.warning() != null) System.err.println("gradcam-viewer: " + shown + ": " + mask.warning());
            Prediction p = ex.pass().prediction();
            Set<String> truth = Set.of();
            String outcome = "";
            if (s.labels() != null) {
                LabelsFile.Entry e = s.labels().find(file);
                if (e != null) {
                    truth = e.labels();
                    outcome = s.outcomes().of(p.predictedLabel(), truth);
                }
            }
            var in = ex.input();
            float[] input = java.util.Arrays.copyOf(in.tensor(), in.height() * in.width());
            String status = "ok";
            if (image.truncated()) {
                failure.run();
                status = "ok; WARNING: " + String.join("; ", image.warnings());
                System.err.println("gradcam-viewer: " + shown + ": warning: " + String.join("; ", image.warnings()));
            }
            String explained = s.modelLabels().get(ex.pass().target());
            boolean[] truthRegion = region(file, image, explained, mask.inside());
            for (String layer : s.layers()) {
                Localisation random = truthRegion == null ? null : Localisation.of(ex.placed(layer, RANDOM, s.placement()), w, h, truthRegion);
                for (CamMethod m : s.methods()) {
                    CamMap cells = ex.cam(layer, m);
                    MapStatistics st = MapStatistics.of(ex.placed(layer, m, s.placement()), w, h, body, mask.inside());
                    Localisation loc = null;
                    if (truthRegion != null) {
                        loc = Localisation.of(ex.placed(layer, m, s.placement()), w, h, truthRegion);
                        s.localisation().add(new LocalisationReduction.Key(m.id(), layer, explained), loc, random);
                    }
                    String rowStatus = cells.zeroGradient() ? "ok; saturated: the score has no gradient (try --score logit)" : status;
                    RoadRunner.Result road = s.road() ? ex.road(layer, m) : null;
                    RoadRunner.Result randomRoad = s.road() ? ex.road(layer, RANDOM) : null;
                    rows.add(new AtlasRow(shown, rowStatus, p.predictedLabel(), p.probability(p.predicted()), truth, outcome, explained, loc, layer, m.id(), w, h, st,
                            mask.warning(), road == null ? Double.NaN : road.combined(), randomRoad == null ? Double.NaN : randomRoad.combined(), cells.values().clone(), cells.height(), cells.width(), input, in.height(), in.width()));
                    if (st.flagged()) thumbnails.offer(layer, m, shown, p.predictedLabel(), st, ex, s.placement());
                }
            }
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            failure.run();
            System.err.println("gradcam-viewer: " + shown + ": " + Failures.message(e));
            rows.clear();
            rows.add(noOutput(file, (System.nanoTime() - start) / 1_000_000, "failed: " + Failures.message(e)));
        }
        return rows;
    }

    /** The image's ground truth for the label its map explains: its boxes of that label, or (masks as truth) its mask; null when none. */
    private boolean[] region(Path file, dev.gradcamviewer.imaging.DecodedImage image, String explained, boolean[] mask) {
        if (s.boxes() != null) {
            List<BoxesFile.Box> of = s.boxes().boxes(file).stream().filter(b -> s.outcomes().modelName(b.label()).equals(explained)).toList();
            if (of.isEmpty()) return null;
            return BoxRegion.of(of, image.width(), image.height(), image.step(), image.sourceWidth(), image.sourceHeight(), s.boxes());
        }
        if (!s.masksAreTruth() || mask == null) return null;
        for (boolean b : mask) if (b) return mask;
        return null;
    }

    /** The row of an image without maps. */
    public AtlasRow noOutput(Path file, long milliseconds, String status) {
        return AtlasRow.without(PathNames.shown(file), "", "", status);
    }
}
