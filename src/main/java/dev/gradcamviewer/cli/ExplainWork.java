package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.FaithfulnessRunner;
import dev.gradcamviewer.app.ModelPassCams;
import dev.gradcamviewer.app.RoadRunner;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.RandomCam;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.BandedOverlay;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.OverlayRows;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.PngEncoder;
import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.model.Score;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * explain's work on each image of the batch: the method's map of every layer (and its
 * faithfulness scores, asked for), then an overlay PNG per layer (and the raw map) and the image's
 * summary rows.
 */
final class ExplainWork implements ImageWork<String> {
    /** What explain writes for every image. */
    record Settings(Path out, Map<Path, Path> names, List<String> layers, CamMethod cam, Placement placement, HeatColorizer colours,
                    double alpha, PngEncoder.Compression compression, boolean raw, int target, Score score, List<String> labels, boolean metrics) {
        /** summary.csv's columns. */
        static String header(boolean metrics) {
            return "file,output,predicted,probability,target,layer,method,milliseconds,status"
                    + (metrics ? ",deletion,insertion,confidence_change,confidence_change_inverted,random_deletion,random_insertion,"
                    + "road_most_relevant_first,road_least_relevant_first,road_combined,random_road_combined" : "");
        }

        /** The empty metric fields of a row without a map. */
        static String noMetrics(boolean metrics) { return metrics ? ",,,,,,,,,," : ""; }
    }

    private final Settings s;
    private final ModelRunner runner;

    ExplainWork(Settings settings, ModelRunner runner) {
        this.s = settings;
        this.runner = runner;
    }

    ImageBatch.Pass pass() { return new ImageBatch.Pass(s.layers(), s.target(), s.score()); }

    @Override
    public void maps(ExplainedImage ex) throws Exception {
        for (String layer : s.layers()) {
            if (s.cam().needsModelPasses()) {
                runner.call(s.cam().displayName() + " of " + layer, () -> ModelPassCams.compute(s.cam(), runner.bundle(), ex, layer, k -> { }));
            } else {
                ex.cam(layer, s.cam()); // the layers leave libtorch here, on the model's side
            }
            if (s.metrics() && !ex.cam(layer, s.cam()).zeroGradient()) {
                CamMethod random = new RandomCam();
                metrics.put(ex.file() + "|" + layer, runner.call("scoring " + layer, () -> new Scores(score(ex, layer, s.cam()), score(ex, layer, random),
                        RoadRunner.measure(runner.bundle(), ex, layer, s.cam(), () -> false), RoadRunner.measure(runner.bundle(), ex, layer, random, () -> false))));
            }
        }
    }

    /** A map's faithfulness scores and the random map's. */
    private record Scores(FaithfulnessRunner.Result map, FaithfulnessRunner.Result random, RoadRunner.Result road, RoadRunner.Result randomRoad) { }

    /** The faithfulness scores of maps already made, by file and layer, until their rows are written. */
    private final Map<String, Scores> metrics = new java.util.concurrent.ConcurrentHashMap<>();

    private FaithfulnessRunner.Result score(ExplainedImage ex, String layer, CamMethod method) throws Exception {
        return FaithfulnessRunner.measure(runner.bundle(), ex, layer, method, () -> false);
    }

    private String metricFields(Path file, String layer) {
        Scores r = metrics.remove(file + "|" + layer);
        if (r == null) return Settings.noMetrics(s.metrics());
        return String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", r.map().deletion(), r.map().insertion(),
                r.map().confidenceChange(), r.map().invertedConfidenceChange(), r.random().deletion(), r.random().insertion(),
                r.road().mostRelevantFirst(), r.road().leastRelevantFirst(), r.road().combined(), r.randomRoad().combined());
    }

    /** Overlays (and maps) of one explained image; its rows. Never throws: a failure is the image's row. */
    @Override
    public List<String> results(Path file, ExplainedImage ex, long start, Runnable failure) {
        List<String> rows = new ArrayList<>();
        try (ex) {
            Prediction p = ex.pass().prediction();
            List<String> notes = ex.image().warnings();
            if (ex.image().truncated()) {
                failure.run();
                System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": warning: " + String.join("; ", notes));
            }
            for (String layer : s.layers()) {
                CamMap map = ex.cam(layer, s.cam());
                String status = "ok";
                String written = "";
                if (map.zeroGradient()) {
                    status = "saturated: the score has no gradient, no map drawn (try --score logit)";
                    System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": " + layer + ": " + status);
                } else {
                    Path target = s.out().resolve(s.names().get(file) + "." + OutputNames.safe(layer) + "." + s.cam().id() + ".png");
                    if (!target.toAbsolutePath().normalize().startsWith(s.out().toAbsolutePath().normalize())) {
                        throw new IllegalStateException("refusing to write outside --out: " + target);
                    }
                    if (ex.image().step() > 1 && !ex.image().turned()) {
                        // read at a fraction of its size: the overlay is still made at the file's own, a band at a time
                        var rowsOfHeat = ex.sourceRows(layer, s.cam(), s.placement());
                        AtomicFile.write(target, o -> BandedOverlay.writePng(file, ex.image().sourceWidth(), ex.image().sourceHeight(),
                                rowsOfHeat, s.colours(), s.alpha(), o, s.compression()));
                    } else {
                        var overlay = new OverlayRows(ex.image(), ex.placedRows(layer, s.cam(), s.placement()), s.colours(), s.alpha());
                        AtomicFile.write(target, o -> PngEncoder.write(overlay, o, s.compression()));
                    }
                    if (s.raw()) {
                        Path npy = target.resolveSibling(target.getFileName().toString().replaceFirst("\\.png$", ".npy"));
                        AtomicFile.write(npy, o -> Npy.write(o, new int[] {map.height(), map.width()}, map.values()));
                    }
                    written = s.out().relativize(target).toString();
                    boolean heat = false;
                    for (float v : map.values()) heat |= v > 0;
                    if (!heat) status = "ok; no heat: the map is zero everywhere (nothing at this layer speaks for the target)";
                }
                if (!notes.isEmpty() && status.equals("ok")) status = "ok; " + (ex.image().truncated() ? "WARNING: " : "") + String.join("; ", notes);
                rows.add(String.join(",", CliSupport.csv(PathNames.shown(file)), CliSupport.csv(written), CliSupport.csv(p.predictedLabel()),
                        String.format(Locale.ROOT, "%.6f", p.probability(p.predicted())),
                        CliSupport.csv(s.labels().get(ex.pass().target())), CliSupport.csv(layer), s.cam().id(),
                        Long.toString((System.nanoTime() - start) / 1_000_000), CliSupport.csv(status)) + metricFields(file, layer));
            }
        } catch (java.io.IOException e) {
            rows.clear();
            rows.add(failedRow(file, start, failure, new java.io.IOException("its overlay could not be written into " + s.out() + " ("
                    + CliSupport.message(e) + ")", e)));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            rows.clear();
            rows.add(failedRow(file, start, failure, e));
        }
        return rows;
    }

    private String failedRow(Path file, long start, Runnable failure, Throwable e) {
        failure.run();
        System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": " + CliSupport.message(e));
        return noOutput(file, (System.nanoTime() - start) / 1_000_000, "failed: " + CliSupport.message(e));
    }

    /** The row of an image that has no output: only its method, time and status. */
    @Override
    public String noOutput(Path file, long ms, String status) {
        return String.join(",", CliSupport.csv(PathNames.shown(file)), "", "", "", "", "", s.cam().id(), Long.toString(ms), CliSupport.csv(status))
                + Settings.noMetrics(s.metrics());
    }
}
