package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.Explainer;
import dev.gradcamviewer.app.ModelInputs;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.imaging.CellGeometry;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.CropRegion;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.HeatmapPlacer;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.Manifest;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.model.TorchEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = "Print median timings: forward, forward+backward (all taps, default tap only, plain), and rendering a cached map to a 2048x2048 overlay.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Option(names = "--image", description = "image to use; default: the first bundled sample")
    Path image;

    @Option(names = "--runs", defaultValue = "50", description = "timed runs per figure (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--layer", description = "tapped layer to time; default: the model's default layer")
    String layerName;

    @Option(names = "--method", defaultValue = "gradcam", description = "CAM method for (c); scorecam and ablationcam also time "
            + "their passes as (d) (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--metrics", description = "also time the faithfulness scores of the map as (e): deletion, insertion and "
            + "confidence change, 69 inputs in batches of 16")
    boolean metrics;

    @Override
    public Integer call() throws Exception {
        Path img = image != null ? image : BundledFiles.firstSample().orElseThrow(() -> new IllegalStateException("no bundled sample; give --image"));
        try (ModelBundle bundle = CliSupport.openModel(model)) {
            TorchEngine.gradientCheck();
            Manifest m = bundle.manifest();
            Preprocessed x = ModelInputs.preprocess(ImageDecoder.decode(img), m.input());
            String layer = layerName != null ? layerName : m.defaultLayer();
            if (!bundle.tapNames().contains(layer)) throw new IllegalArgumentException("layer '" + layer + "' is not tapped in this model");
            dev.gradcamviewer.cam.CamMethod camMethod = CliSupport.method(method);
            System.out.printf(Locale.ROOT, "model %s, %d taps, input %s; %d runs each; %d cores; libtorch %s; %s%n",
                    bundle.name(), bundle.tapNames().size(), m.input().shape(), runs, Runtime.getRuntime().availableProcessors(),
                    TorchEngine.libtorchVersion(), TorchEngine.switches());
            report("(a) forward only", () -> time(() -> bundle.predict(x.tensor())));
            // every figure includes freeing the pass, as the viewer does when the next image comes
            report("(b) forward+backward, every tap, the default layer read", () -> time(() -> {
                try (PassResult r = bundle.explain(x.tensor(), -1, Score.LOGIT, null)) {
                    return r.tap(layer);
                }
            }));
            report("    the same, every tap read (explain --all-layers)", () -> time(() -> {
                try (PassResult r = bundle.explain(x.tensor(), -1, Score.LOGIT, null)) {
                    for (String t : r.tapNames()) r.tap(t);
                    return r;
                }
            }));
            report("(b') forward+backward, default tap only", () -> time(() -> {
                try (PassResult r = bundle.explain(x.tensor(), -1, Score.LOGIT, List.of(layer))) {
                    return r.tap(layer);
                }
            }));
            report("    forward+backward to the input, no tap (plain)", () -> {
                try {
                    return bundle.plainForwardBackward(x.tensor());
                } catch (dev.gradcamviewer.model.BundleException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });

            CamMap cam;
            try (ExplainedImage ex = new Explainer(bundle).explain(img, -1, Score.LOGIT, List.of(layer))) {
                if (camMethod.needsModelPasses()) {
                    int channels = ex.layer(layer).channels();
                    double[] t = new double[Math.max(1, Math.min(runs, 5))];
                    for (int i = 0; i < t.length; i++) t[i] = time(() -> dev.gradcamviewer.app.ModelPassCams.compute(camMethod, bundle, ex, layer, k -> { }));
                    Arrays.sort(t);
                    System.out.printf(Locale.ROOT, "%-68s median %7.0f ms  (min %.0f, %d runs)%n", "(d) " + camMethod.displayName() + " of " + layer + ": "
                            + channels + " passes, one per channel, batched", t[t.length / 2], t[0], t.length);
                }
                cam = ex.cam(layer, camMethod);
                if (metrics) {
                    double[] t = new double[Math.max(1, Math.min(runs, 10))];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = time(() -> dev.gradcamviewer.app.FaithfulnessRunner.measureAgain(bundle, ex, layer, camMethod, () -> false));
                    }
                    Arrays.sort(t);
                    System.out.printf(Locale.ROOT, "%-68s median %7.0f ms  (min %.0f, %d runs)%n", "(e) faithfulness of the map: deletion, insertion, "
                            + "confidence change (69 inputs)", t[t.length / 2], t[0], t.length);
                }
            }
            Manifest.TapSpec tap = m.taps().stream().filter(t -> t.name().equals(layer)).findFirst().orElseThrow();
            Manifest.Geometry g = tap.geometry();
            Placement placement = g == null ? Placement.RESIZE : Placement.RECEPTIVE_FIELD;
            CellGeometry geometry = g == null ? CellGeometry.halfPixel(cam.height(), cam.width(), m.input().height(), m.input().width())
                    : new CellGeometry(g.origin().get(0), g.origin().get(1), g.step().get(0), g.step().get(1));
            System.out.printf(Locale.ROOT, "layer %s, %s; placement %s%n", layer, camMethod.displayName(),
                    g == null ? "resize (the layer has no recorded cell geometry)" : "receptive-field");
            double s = 2048.0 / m.input().height();
            CropRegion crop = new CropRegion(0, 0, 2048, 2048, s, s);
            HeatColorizer colours = new HeatColorizer(Colormap.of("jet"), 2);
            int[] argb = new int[2048 * 2048];
            report("(c) render one layer from the cached pass to a 2048x2048 overlay", () -> time(() -> {
                PlacedMap p = HeatmapPlacer.place(cam.values(), cam.height(), cam.width(), geometry, crop, placement);
                colours.colorize(p.values(), argb);
                return p;
            }));
            report("    of which colouring only (colormap or emphasis change)", () -> {
                PlacedMap p = HeatmapPlacer.place(cam.values(), cam.height(), cam.width(), geometry, crop, placement);
                return time(() -> {
                    colours.colorize(p.values(), argb);
                    return null;
                });
            });
        }
        return 0;
    }

    interface Work {
        Object run() throws Exception;
    }

    private static double time(Work w) {
        long t = System.nanoTime();
        try {
            w.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - t) / 1e6;
    }

    private void report(String label, DoubleSupplier run) {
        for (int i = 0; i < Math.max(3, runs / 5); i++) run.getAsDouble();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) t[i] = run.getAsDouble();
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "%-68s median %7.2f ms  (p10 %.2f, p90 %.2f)%n", label, t[runs / 2], t[runs / 10], t[runs * 9 / 10]);
    }
}
