package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.files.FolderLock;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.PngEncoder;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.model.TorchEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = {
        "Write heatmap overlay PNGs and summary.csv for images.",
        "One overlay per image and layer at the original's resolution (<stem>.<layer>.<method>.png, in the image's folders below",
        "the folder given, mirrored under --out), with --raw the low-resolution map as .npy; summary.csv lists every",
        "input, which output is whose, and failures with the reason. One run writes into --out at a time.",
        "Exit code 1 if any image failed."})
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Option(names = "--layer", description = "tapped layer (dotted path); repeat for several; default: the model's default layer")
    List<String> layers = new ArrayList<>();

    @Option(names = "--all-layers", description = "every tapped layer")
    boolean allLayers;

    @Option(names = "--method", defaultValue = "gradcam", description = "gradcam, gradcampp, xgradcam, layercam, hirescam, gradcamelementwise, eigencam, eigengradcam, random, scorecam, ablationcam (Score-CAM and Ablation-CAM: one pass per channel, batched) (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--target", defaultValue = "auto", description = "label name or number to explain; auto = the predicted label")
    String target;

    @Option(names = "--score", defaultValue = "logit", description = "logit (default) or probability (the article's choice)")
    String score;

    @Option(names = "--placement", defaultValue = "receptive-field", description = "receptive-field (default) or resize (the article's)")
    String placement;

    @Option(names = "--alpha", defaultValue = "0.4", description = "heat opacity 0..1 (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--colormap", defaultValue = "jet", description = "jet, turbo, viridis, inferno, magma, hot, gray; _r reverses")
    String colormap;

    @Option(names = "--emphasis", defaultValue = "2", description = "exponent applied to the map before colouring (default: ${DEFAULT-VALUE})")
    double emphasis;

    @Option(names = "--fade", defaultValue = "solid", description = "solid (default: the heat at --alpha everywhere, as the article draws it) or fade "
            + "(each pixel's opacity times the map's value: weak evidence fades out)")
    String fade;

    @Option(names = "--threshold", defaultValue = "0", description = "map values below this are not drawn (default: ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--png", defaultValue = "fast", description = "fast (default): zlib's Huffman coding only, files about the size "
            + "cv2.imwrite writes; small: zlib's fastest string matching too, files about a quarter smaller for about 1.6x the encoding time")
    String png;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--raw", description = "also write the low-resolution map (after normalisation) as .npy")
    boolean raw;

    @Option(names = "--aug-smooth", description = "average the map over the image mirrored and scaled by 0.9, 1, 1.1 "
            + "(pytorch-grad-cam's aug_smooth: six passes of the model)")
    boolean augSmooth;

    @Option(names = "--eigen-smooth", description = "the first principal component of the method's weighted activations "
            + "instead of their sum (pytorch-grad-cam's eigen_smooth); for the methods that weigh activations")
    boolean eigenSmooth;

    @Option(names = "--metrics", description = "also score each map's faithfulness into summary.csv: deletion and insertion "
            + "(areas under the target's probability as the map's pixels are removed / revealed, 32 steps), the confidence change "
            + "for the image times the map and its inverse, ROAD (pytorch-grad-cam's ROADMostRelevantFirstAverage, ...LeastRelevantFirstAverage "
            + "and ROADCombined, noise off: pixels removed by linear imputation, not blackened), and the random map's deletion, insertion and "
            + "ROAD combined (about 180 forward passes and 36 imputations per map)")
    boolean metrics;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds the model may take to load or for one image before it is reported as hung (default: ${DEFAULT-VALUE})")
    long timeout;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_FOLDERS")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        CamMethod named = CliSupport.method(method);
        CamMethod cam = CamMethods.smoothed(named, eigenSmooth, augSmooth);
        Score sc = parseScore(score);
        Placement place = Placement.of(placement);
        HeatColorizer colours = new HeatColorizer(Colormap.of(colormap), emphasis, HeatColorizer.Fade.of(fade), threshold);
        if (alpha < 0 || alpha > 1) throw new IllegalArgumentException("--alpha must be between 0 and 1");
        PngEncoder.Compression compression = parseCompression(png);
        boolean made = !java.nio.file.Files.isDirectory(out);
        CliSupport.requireWritableFolder(out, "--out");
        boolean written = false;
        try (FolderLock lock = CliSupport.lockFolder(out, "--out", "explain")) {
            written = explainAll(lock, cam, sc, place, colours, compression);
            return failed == 0 ? 0 : 1;
        } finally {
            if (made && !written) CliSupport.removeIfEmpty(out); // a refused run leaves no trace
        }
    }

    private int failed;

    /**
     * The batch into the locked folder; true once summary.csv was written. A run refused before
     * any image was done (a model that cannot be opened or disagrees with its manifest, a layer it
     * does not have) writes nothing: an earlier run's summary stays as it was.
     */
    private boolean explainAll(FolderLock lock, CamMethod cam, Score sc, Placement place, HeatColorizer colours,
                               PngEncoder.Compression compression) throws Exception {
        if (lock.staleHolder() != null) {
            System.err.println("gradcam-viewer: " + out + ": took over the lock left by a run that ended without releasing it ("
                    + lock.staleHolder() + ")");
        }
        ImageFiles.Listing listing = ImageFiles.list(inputs);
        Map<Path, Path> names = OutputNames.assign(listing.images());
        failed = listing.problems().size();
        List<String> summary = new ArrayList<>();
        summary.add(ExplainWork.Settings.header(metrics));
        for (ImageFiles.Problem problem : listing.problems()) {
            System.err.println("gradcam-viewer: " + problem);
            summary.add(String.join(",", CliSupport.csv(PathNames.shown(problem.path())), "", "", "", "", "", "", "",
                    CliSupport.csv("failed: " + problem.reason())) + ExplainWork.Settings.noMetrics(metrics));
        }
        if (listing.images().size() > 1) TorchEngine.preferThreads(Runtime.getRuntime().availableProcessors() - 1);
        var firstAhead = ImageBatch.decodeAhead(listing.files());
        List<String> rows = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean started = listing.images().isEmpty();
        try (ModelRunner runner = ModelRunner.openToExplain(model, timeout)) {
            ModelBundle bundle = runner.bundle();
            ExplainWork work = new ExplainWork(new ExplainWork.Settings(out, names, CliSupport.layersToExplain(bundle, layers, allLayers), cam, place, colours, alpha, compression, raw,
                    parseTarget(bundle.labels()), sc, bundle.labels(), metrics), runner);
            ImageBatch<String> batch = new ImageBatch<>(runner, work.pass(), work, 1);
            Interrupts.beforeHalt(() -> writeSummary(summary, batch.rowsSoFar(rows, "not done: stopped at once (a second Ctrl-C)")));
            try {
                batch.run(listing.files(), firstAhead, rows);
                started = true;
            } finally {
                failed += batch.failed();
                started |= !rows.isEmpty();
            }
        } finally {
            Interrupts.beforeHalt(null);
            if (started) writeSummary(summary, rows);
        }
        return started;
    }

    private void writeSummary(List<String> head, List<String> rows) throws java.io.IOException {
        List<String> all = new ArrayList<>(head);
        synchronized (rows) {
            all.addAll(rows);
        }
        String text = String.join("\n", all) + "\n";
        try {
            AtomicFile.write(out.resolve("summary.csv"), o -> o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new java.io.IOException("summary.csv could not be written into " + out + " (" + CliSupport.message(e)
                    + "); the overlays already written there are whole", e);
        }
    }

    private int parseTarget(List<String> labels) {
        if (target.equalsIgnoreCase("auto")) return -1;
        int i = labels.indexOf(target);
        if (i >= 0) return i;
        try {
            int n = Integer.parseInt(target);
            if (n >= 0 && n < labels.size()) return n;
        } catch (NumberFormatException ignored) {
            // not a number: fall through to the message
        }
        throw new IllegalArgumentException("unknown target '" + target + "': give auto, a label (" + String.join(", ", labels.subList(0, Math.min(5, labels.size())))
                + (labels.size() > 5 ? ", ..." : "") + ") or its number");
    }

    static PngEncoder.Compression parseCompression(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fast" -> PngEncoder.Compression.FAST;
            case "small" -> PngEncoder.Compression.SMALL;
            default -> throw new IllegalArgumentException("unknown --png '" + s + "' (fast or small)");
        };
    }

    static Score parseScore(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "logit" -> Score.LOGIT;
            case "probability", "output" -> Score.PROBABILITY;
            default -> throw new IllegalArgumentException("unknown score '" + s + "' (logit or probability)");
        };
    }

}
