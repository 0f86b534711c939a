package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.ModelPassCams;
import dev.gradcamviewer.atlas.AtlasRow;
import dev.gradcamviewer.atlas.BodyMask;
import dev.gradcamviewer.atlas.LabelsFile;
import dev.gradcamviewer.atlas.MapStatistics;
import dev.gradcamviewer.atlas.MaskFiles;
import dev.gradcamviewer.atlas.Outcomes;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.Prediction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * atlas's work on each image of the batch: every method's map of every layer, then (beside the
 * next image's pass) the body mask, the mask given for the image, each map's statistics, and a
 * thumbnail when the map is among the most flagged so far.
 */
final class AtlasWork implements ImageWork<AtlasRow> {
    record Settings(List<String> layers, List<CamMethod> methods, Placement placement, LabelsFile labels, MaskFiles masks,
                    Outcomes outcomes) { }

    private final Settings s;
    private final ModelRunner runner;
    private final FlaggedThumbnails thumbnails;

    AtlasWork(Settings settings, ModelRunner runner, FlaggedThumbnails thumbnails) {
        this.s = settings;
        this.runner = runner;
        this.thumbnails = thumbnails;
    }

    @Override
    public void maps(ExplainedImage ex) throws Exception {
        for (String layer : s.layers()) {
            for (CamMethod m : s.methods()) {
                if (m.needsModelPasses()) runner.call(m.displayName() + " of " + layer, () -> ModelPassCams.compute(m, runner.bundle(), ex, layer, k -> { }));
                else ex.cam(layer, m);
            }
        }
    }

    @Override
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
            for (String layer : s.layers()) {
                for (CamMethod m : s.methods()) {
                    CamMap cells = ex.cam(layer, m);
                    MapStatistics st = MapStatistics.of(ex.placed(layer, m, s.placement()), w, h, body, mask.inside());
                    String rowStatus = cells.zeroGradient() ? "ok; saturated: the score has no gradient (try --score logit)" : status;
                    rows.add(new AtlasRow(shown, rowStatus, p.predictedLabel(), p.probability(p.predicted()), truth, outcome, layer, m.id(), w, h, st,
                            mask.warning(), cells.values().clone(), cells.height(), cells.width(), input, in.height(), in.width()));
                    if (st.flagged()) thumbnails.offer(layer, m, shown, p.predictedLabel(), st, ex, s.placement());
                }
            }
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            failure.run();
            System.err.println("gradcam-viewer: " + shown + ": " + CliSupport.message(e));
            rows.clear();
            rows.add(noOutput(file, (System.nanoTime() - start) / 1_000_000, "failed: " + CliSupport.message(e)));
        }
        return rows;
    }

    @Override
    public AtlasRow noOutput(Path file, long milliseconds, String status) {
        return AtlasRow.without(PathNames.shown(file), "", "", status);
    }
}
