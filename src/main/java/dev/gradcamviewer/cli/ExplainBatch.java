package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.DecodeAhead;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.Explainer;
import dev.gradcamviewer.app.FaithfulnessRunner;
import dev.gradcamviewer.app.ModelInputs;
import dev.gradcamviewer.app.ModelPassCams;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.RandomCam;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.BandedOverlay;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.OverlayRows;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.PngEncoder;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ImageFailedException;
import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.model.Score;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * explain over many images as a pipeline: while the model runs image i on its thread, the next
 * image is decoded on another and the previous one's overlays are placed, coloured, blended and
 * encoded as PNG on a third. Results (summary rows) stay in input order. Images above
 * {@link #PIPELINED_PIXELS} are taken one at a time, so that at most one large image is in memory.
 */
final class ExplainBatch {
    static final long PIPELINED_PIXELS = 16_000_000L;

    /** What explain writes for every image. */
    record Settings(Path out, Map<Path, Path> names, List<String> layers, CamMethod cam, Placement placement, HeatColorizer colours,
                    double alpha, PngEncoder.Compression compression, boolean raw, int target, Score score, List<String> labels, boolean metrics) {
        /** summary.csv's columns. */
        static String header(boolean metrics) {
            return "file,output,predicted,probability,target,layer,method,milliseconds,status"
                    + (metrics ? ",deletion,insertion,confidence_change,confidence_change_inverted,random_deletion,random_insertion" : "");
        }

        /** The empty metric fields of a row without a map. */
        static String noMetrics(boolean metrics) { return metrics ? ",,,,,," : ""; }
    }

    private final Settings s;
    private final ModelRunner runner;
    private final Explainer explainer;
    private final ExecutorService decoder = CliSupport.daemonThread("decode");
    private final ExecutorService writer = CliSupport.daemonThread("write");
    private int failed;

    ExplainBatch(Settings settings, ModelRunner runner) {
        this.s = settings;
        this.runner = runner;
        this.explainer = new Explainer(runner.bundle());
    }

    synchronized int failed() { return failed; }

    /** The first file decoded while the model loads, if it is small enough to hold meanwhile (else decoded in its turn). */
    static DecodeAhead decodeAhead(List<Path> files) {
        return files.isEmpty() ? null : DecodeAhead.startUpTo(files.get(0), PIPELINED_PIXELS);
    }

    /** Explains every file; returns the summary rows in input order (model errors other than one image's propagate). */
    List<String> run(List<Path> files) throws Exception {
        List<String> rows = java.util.Collections.synchronizedList(new ArrayList<>());
        run(files, null, rows);
        return rows;
    }

    /** An image overlays are still being written for, and the rows they will give. */
    private record Pending(Path file, Future<List<String>> rows) { }

    private final Deque<Pending> writing = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile List<Path> inputs = List.of();
    private volatile int current;

    /**
     * The same, the first file already being decoded by {@link #decodeAhead}; the rows go into
     * {@code rows} as they are made, so that whatever stops the batch (a model that fails, an error
     * of the JVM's) leaves every result already made in them, its overlays whole on disk.
     */
    void run(List<Path> files, DecodeAhead firstAhead, List<String> rows) throws Exception {
        inputs = files;
        Future<Prepared> next = firstAhead == null || files.isEmpty() ? null : decodeLater(files.get(0), firstAhead);
        try {
            for (int i = 0; i < files.size(); i++) {
                current = i;
                Path file = files.get(i);
                Future<Prepared> decoded = next != null ? next : decodeLater(file);
                next = null;
                if (Interrupts.requested() || runner.hung()) {
                    decoded.cancel(true);
                    countFailure();
                    drain(rows);
                    rows.add(emptyRow(file, 0, Interrupts.requested() ? "not done: interrupted" : "not done: the model hung on an earlier image"));
                    continue;
                }
                if (files.size() > 1) System.err.printf("[%d/%d] %s%n", i + 1, files.size(), PathNames.shown(file));
                long start = System.nanoTime();
                ExplainedImage ex;
                try {
                    Prepared prepared = Interrupts.await(decoded);
                    DecodedImage image = prepared.image();
                    if (i + 1 < files.size() && small(files.get(i + 1)) && small(image)) next = decodeLater(files.get(i + 1));
                    else drain(rows); // a large image: nothing else in memory meanwhile
                    ex = explain(file, prepared);
                } catch (BundleException e) {
                    if (!(e instanceof ImageFailedException)) throw e;
                    addFailed(rows, failedRow(file, start, e));
                    continue;
                } catch (Interrupts.Stopped e) {
                    countFailure();
                    addFailed(rows, emptyRow(file, (System.nanoTime() - start) / 1_000_000, "not done: interrupted"));
                    continue;
                } catch (ExecutionException e) {
                    addFailed(rows, failedRow(file, start, e.getCause() != null ? e.getCause() : e));
                    continue;
                } catch (Exception | StackOverflowError | OutOfMemoryError e) {
                    addFailed(rows, failedRow(file, start, e));
                    continue;
                }
                drain(rows, 1);
                ExplainedImage done = ex;
                writing.add(new Pending(file, writer.submit(() -> write(file, done, start))));
            }
            current = files.size();
        } finally {
            if (next != null) next.cancel(true);
            decoder.shutdownNow();
            try {
                drain(rows); // what was made before any stop is written whole and listed
            } finally {
                writer.shutdown();
            }
        }
    }

    /** The model's pass and the maps of one prepared image (the model's thread). */
    private ExplainedImage explain(Path file, Prepared prepared) throws Exception {
        ExplainedImage ex;
        try {
            ex = runner.call("explaining " + file, () -> explainer.explain(file, prepared.image(), prepared.input(), s.target(), s.score(), s.layers()));
        } catch (Exception e) {
            requireModelAgrees();
            throw e;
        }
        try {
            for (String layer : s.layers()) {
                if (s.cam().needsModelPasses()) {
                    runner.call(s.cam().displayName() + " of " + layer, () -> ModelPassCams.compute(s.cam(), runner.bundle(), ex, layer, k -> { }));
                } else {
                    ex.cam(layer, s.cam()); // the layers leave libtorch here, on the model's side
                }
                if (s.metrics() && !ex.cam(layer, s.cam()).zeroGradient()) {
                    metrics.put(file + "|" + layer, runner.call("scoring " + layer, () -> new FaithfulnessRunner.Result[] {
                            score(ex, layer, s.cam()), score(ex, layer, new RandomCam())}));
                }
            }
            return ex;
        } catch (Exception | Error e) {
            if (!runner.hung()) ex.close(); // a pass still running on it keeps its tensors
            throw e;
        }
    }

    /**
     * Every input's row as far as the batch has got, for a stop that cannot wait (a second Ctrl-C):
     * the rows made, then {@code status} for images whose overlays are still being written and
     * for every image not yet done.
     */
    List<String> rowsSoFar(List<String> rows, String status) {
        List<String> out;
        synchronized (rows) {
            out = new ArrayList<>(rows);
        }
        java.util.Set<Path> listed = new java.util.HashSet<>();
        for (Pending p : writing) {
            out.add(emptyRow(p.file(), 0, status));
            listed.add(p.file());
        }
        List<Path> files = inputs;
        for (int i = current; i < files.size(); i++) {
            if (!listed.contains(files.get(i))) out.add(emptyRow(files.get(i), 0, status));
        }
        return out;
    }

    /**
     * The model was opened for its first explaining pass to check its outputs against the manifest:
     * when a pass fails before that, a blank pass tells a model that disagrees (refused, as at open)
     * from an image the model cannot take (that image's failure).
     */
    private void requireModelAgrees() throws Exception {
        if (!runner.hung()) runner.call("checking the model against its manifest", () -> {
            runner.bundle().checkOutputs();
            return null;
        });
    }

    private static boolean small(Path file) {
        long n = ImageDecoder.pixelCount(file);
        return n >= 0 && n <= PIPELINED_PIXELS;
    }

    private static boolean small(DecodedImage image) {
        return (long) image.width() * image.height() <= PIPELINED_PIXELS && image.step() == 1;
    }

    /** An image decoded and made into the model's input, off the model's thread. */
    private record Prepared(DecodedImage image, Preprocessed input) { }

    private Future<Prepared> decodeLater(Path file) {
        return decodeLater(file, null);
    }

    /** The same, taking the image from {@code ahead} when it decoded it (else decoding it here). */
    private Future<Prepared> decodeLater(Path file, DecodeAhead ahead) {
        return decoder.submit(() -> {
            DecodedImage image = ahead != null ? ahead.image() : null;
            if (image == null) image = ImageDecoder.decode(file);
            return new Prepared(image, ModelInputs.preprocess(image, runner.bundle().manifest().input()));
        });
    }

    /** Waits for the oldest writes until at most {@code keep} are pending, adding their rows in order. */
    private void drain(List<String> rows, int keep) throws InterruptedException {
        while (writing.size() > keep) {
            try {
                rows.addAll(writing.peekFirst().rows().get());
                writing.removeFirst();
            } catch (ExecutionException e) {
                writing.removeFirst();
                throw new IllegalStateException("writing an overlay failed unexpectedly: " + CliSupport.message(e.getCause()), e.getCause());
            }
        }
    }

    private void drain(List<String> rows) throws InterruptedException {
        drain(rows, 0);
    }

    /**
     * A failed image's row, made (and timed) before it waits for the overlays still being written
     * ahead of it, so that its milliseconds are its own.
     */
    private void addFailed(List<String> rows, String failedRow) throws InterruptedException {
        drain(rows);
        rows.add(failedRow);
    }

    /** The faithfulness scores of maps already made, by file and layer, until their rows are written. */
    private final Map<String, FaithfulnessRunner.Result[]> metrics = new java.util.concurrent.ConcurrentHashMap<>();

    private FaithfulnessRunner.Result score(ExplainedImage ex, String layer, CamMethod method) throws Exception {
        return FaithfulnessRunner.measure(runner.bundle(), ex, layer, method, () -> false);
    }

    private String metricFields(Path file, String layer) {
        FaithfulnessRunner.Result[] r = metrics.remove(file + "|" + layer);
        if (r == null) return Settings.noMetrics(s.metrics());
        return String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", r[0].deletion(), r[0].insertion(), r[0].confidenceChange(),
                r[0].invertedConfidenceChange(), r[1].deletion(), r[1].insertion());
    }

    /** Overlays (and maps) of one explained image; its rows. Never throws: a failure is the image's row. */
    private List<String> write(Path file, ExplainedImage ex, long start) {
        List<String> rows = new ArrayList<>();
        try (ex) {
            Prediction p = ex.pass().prediction();
            List<String> notes = ex.image().warnings();
            if (ex.image().truncated()) {
                countFailure();
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
            rows.add(failedRow(file, start, new java.io.IOException("its overlay could not be written into " + s.out() + " ("
                    + CliSupport.message(e) + ")", e)));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            rows.clear();
            rows.add(failedRow(file, start, e));
        }
        return rows;
    }

    private synchronized void countFailure() { failed++; }

    private String failedRow(Path file, long start, Throwable e) {
        countFailure();
        System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": " + CliSupport.message(e));
        return emptyRow(file, (System.nanoTime() - start) / 1_000_000, "failed: " + CliSupport.message(e));
    }

    /** The row of an image that has no output: only its method, time and status. */
    private String emptyRow(Path file, long ms, String status) {
        return String.join(",", CliSupport.csv(PathNames.shown(file)), "", "", "", "", "", s.cam().id(), Long.toString(ms), CliSupport.csv(status))
                + Settings.noMetrics(s.metrics());
    }
}
