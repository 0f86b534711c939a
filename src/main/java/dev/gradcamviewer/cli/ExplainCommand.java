package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.Explainer;
import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.imaging.BandedOverlay;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.OverlayComposer;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.model.Score;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = {
        "Write a heatmap overlay PNG per image and layer at the original's resolution (<stem>.<layer>.<method>.png,",
        "in the image's folders below the folder given, mirrored under --out), with --raw the low-resolution map",
        "as .npy, and summary.csv (every input, which output is whose, failures with the reason).",
        "Exit code 1 if any image failed."})
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Option(names = "--layer", description = "tapped layer (dotted path); repeat for several; default: the model's default layer")
    List<String> layers = new ArrayList<>();

    @Option(names = "--all-layers", description = "every tapped layer")
    boolean allLayers;

    @Option(names = "--method", defaultValue = "gradcam", description = "gradcam, gradcampp, xgradcam, layercam, hirescam (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--raw", description = "also write the low-resolution map (after normalisation) as .npy")
    boolean raw;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds the model may take to load or for one image before it is reported as hung (default: ${DEFAULT-VALUE})")
    long timeout;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_FOLDERS")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        CamMethod cam = CamMethods.byName(method).orElseThrow(() -> new IllegalArgumentException("unknown method '" + method
                + "' (gradcam, gradcampp, xgradcam, layercam, hirescam)"));
        Score sc = parseScore(score);
        Placement place = Placement.of(placement);
        HeatColorizer colours = new HeatColorizer(Colormap.of(colormap), emphasis);
        if (alpha < 0 || alpha > 1) throw new IllegalArgumentException("--alpha must be between 0 and 1");
        CliSupport.requireWritableFolder(out, "--out");
        ImageFiles.Listing listing = ImageFiles.list(inputs);
        Map<Path, Path> names = OutputNames.assign(listing.images());
        int failed = listing.problems().size();
        List<String> summary = new ArrayList<>();
        summary.add("file,output,predicted,probability,target,layer,method,milliseconds,status");
        for (ImageFiles.Problem problem : listing.problems()) {
            System.err.println("gradcam-viewer: " + problem);
            summary.add(String.join(",", CliSupport.csv(problem.path().toString()), "", "", "", "", "", "", "",
                    CliSupport.csv("failed: " + problem.reason())));
        }
        try (ModelRunner runner = ModelRunner.open(model, timeout)) {
            ModelBundle bundle = runner.bundle();
            List<String> chosen = chooseLayers(bundle);
            int tgt = parseTarget(bundle.labels());
            Explainer explainer = new Explainer(bundle);
            List<Path> files = listing.files();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                if (files.size() > 1) System.err.printf("[%d/%d] %s%n", i + 1, files.size(), file);
                long start = System.nanoTime();
                Path base = names.get(file);
                if (Interrupts.requested()) {
                    failed++;
                    summary.add(String.join(",", CliSupport.csv(file.toString()), "", "", "", "", "", cam.id(), "0",
                            CliSupport.csv("not done: interrupted")));
                    continue;
                }
                if (runner.hung()) {
                    failed++;
                    summary.add(String.join(",", CliSupport.csv(file.toString()), "", "", "", "", "", cam.id(), "0",
                            CliSupport.csv("not done: the model hung on an earlier image")));
                    continue;
                }
                try (ExplainedImage ex = runner.call("explaining " + file, () -> explainer.explain(file, tgt, sc, chosen))) {
                    Prediction p = ex.pass().prediction();
                    List<String> notes = ex.image().warnings();
                    if (ex.image().truncated()) {
                        failed++;
                        System.err.println("gradcam-viewer: " + file + ": warning: " + String.join("; ", notes));
                    }
                    for (String layer : chosen) {
                        CamMap map = ex.cam(layer, cam);
                        String status = "ok";
                        String written = "";
                        if (map.zeroGradient()) {
                            status = "saturated: the score has no gradient, no map drawn (try --score logit)";
                            System.err.println("gradcam-viewer: " + file + ": " + layer + ": " + status);
                        } else {
                            Path target = out.resolve(base + "." + OutputNames.safe(layer) + "." + cam.id() + ".png");
                            if (!target.toAbsolutePath().normalize().startsWith(out.toAbsolutePath().normalize())) {
                                throw new IllegalStateException("refusing to write outside --out: " + target);
                            }
                            if (ex.image().step() > 1 && !ex.image().turned()) {
                                // read at a fraction of its size: the overlay is still made at the file's own, a band at a time
                                var rows = ex.sourceRows(layer, cam, place);
                                AtomicFile.write(target, o -> BandedOverlay.writePng(file, ex.image().sourceWidth(), ex.image().sourceHeight(),
                                        rows, colours, alpha, o));
                            } else {
                                var overlay = OverlayComposer.compose(ex.image(), ex.placed(layer, cam, place), colours, alpha);
                                AtomicFile.write(target, o -> ImageIO.write(overlay, "png", o));
                            }
                            if (raw) {
                                Path npy = target.resolveSibling(target.getFileName().toString().replaceFirst("\\.png$", ".npy"));
                                AtomicFile.write(npy, o -> Npy.write(o, new int[] {map.height(), map.width()}, map.values()));
                            }
                            written = out.relativize(target).toString();
                            boolean heat = false;
                            for (float v : map.values()) heat |= v > 0;
                            if (!heat) status = "ok; no heat: the map is zero everywhere (nothing at this layer speaks for the target)";
                        }
                        if (!notes.isEmpty() && status.equals("ok")) status = "ok; " + (ex.image().truncated() ? "WARNING: " : "") + String.join("; ", notes);
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        summary.add(String.join(",", CliSupport.csv(file.toString()), CliSupport.csv(written), CliSupport.csv(p.predictedLabel()),
                                String.format(Locale.ROOT, "%.6f", p.probability(p.predicted())),
                                CliSupport.csv(bundle.labels().get(ex.pass().target())), CliSupport.csv(layer), cam.id(),
                                Long.toString(ms), CliSupport.csv(status)));
                    }
                } catch (BundleException e) {
                    if (!(e instanceof dev.gradcamviewer.model.ImageFailedException)) throw e;
                    failed++;
                    System.err.println("gradcam-viewer: " + file + ": " + CliSupport.message(e));
                    summary.add(String.join(",", CliSupport.csv(file.toString()), "", "", "", "", "", cam.id(),
                            Long.toString((System.nanoTime() - start) / 1_000_000), CliSupport.csv("failed: " + CliSupport.message(e))));
                } catch (Exception e) {
                    failed++;
                    System.err.println("gradcam-viewer: " + file + ": " + CliSupport.message(e));
                    summary.add(String.join(",", CliSupport.csv(file.toString()), "", "", "", "", "", cam.id(),
                            Long.toString((System.nanoTime() - start) / 1_000_000), CliSupport.csv("failed: " + CliSupport.message(e))));
                }
            }
        } finally {
            String text = String.join("\n", summary) + "\n";
            AtomicFile.write(out.resolve("summary.csv"), o -> o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return failed == 0 ? 0 : 1;
    }

    private List<String> chooseLayers(ModelBundle bundle) throws BundleException {
        if (!bundle.hasManifest()) throw new BundleException(bundle.file().getFileName() + " has no Grad-CAM manifest: export it with models/tools/export_model.py");
        if (allLayers) return bundle.tapNames();
        if (layers.isEmpty()) return List.of(bundle.manifest().defaultLayer());
        for (String l : layers) {
            if (!bundle.tapNames().contains(l)) {
                String why = bundle.tree().find(l).map(n -> n.untappedReason()).orElse("no such layer in the model");
                throw new BundleException("layer '" + l + "' cannot be explained: " + why);
            }
        }
        return layers;
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

    static Score parseScore(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "logit" -> Score.LOGIT;
            case "probability", "output" -> Score.PROBABILITY;
            default -> throw new IllegalArgumentException("unknown score '" + s + "' (logit or probability)");
        };
    }

}
