package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.app.ModelInputs;
import dev.gradcamviewer.app.SanityCheck;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.files.FolderLock;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.PngEncoder;
import dev.gradcamviewer.imaging.Resampler;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.ParameterRandomiser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sanity", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = {
        "Check that each method's maps depend on the model: randomise its blocks from the output down and compare the maps.",
        "Adebayo et al.'s model-parameter randomisation test: after each step every image's map is made again (for the label",
        "the trained model predicted) and compared with the trained model's by Spearman rank correlation and SSIM. A method",
        "fails when, with every block randomised, its maps are still more alike to the trained ones than the maps of two",
        "different images are (Arun et al.). Writes sanity.csv and a strip PNG per image into --out, a verdict per method",
        "on stdout. Exit code 1 if a method fails or an image cannot be read."})
final class SanityCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Option(names = "--method", description = "CAM method; repeat for several (default: gradcam)")
    List<String> methods = new ArrayList<>();

    @Option(names = "--layer", description = "tapped layer; default: the model's default layer")
    String layer;

    @Option(names = "--seed", defaultValue = "2018", description = "seed of the re-initialisation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit", defaultValue = "50", description = "take at most N images (default: ${DEFAULT-VALUE}; every map of every step is kept for the strips)")
    int limit;

    @Option(names = "--timeout", defaultValue = "3600", description = "seconds the whole check may take before it is reported as hung (default: ${DEFAULT-VALUE})")
    long timeout;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_FOLDERS")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        List<SanityCheck.MapSource> sources = new ArrayList<>();
        for (CamMethod m : CliSupport.methods(methods, List.of("gradcam"))) sources.add(SanityCheck.of(m));
        if (limit < 2) throw new IllegalArgumentException("--limit must be at least 2 (the baseline compares two images' maps)");
        boolean made = !Files.isDirectory(out);
        CliSupport.requireWritableFolder(out, "--out");
        boolean written = false;
        try (FolderLock lock = CliSupport.lockFolder(out, "--out", "sanity")) {
            int code = run(sources);
            written = true;
            return code;
        } finally {
            if (made && !written) CliSupport.removeIfEmpty(out);
        }
    }

    private int run(List<SanityCheck.MapSource> sources) throws Exception {
        ImageFiles.Listing listing = ImageFiles.list(inputs);
        int failed = listing.problems().size();
        for (ImageFiles.Problem p : listing.problems()) System.err.println("gradcam-viewer: " + p);
        try (ModelRunner runner = ModelRunner.open(model, timeout)) {
            ModelBundle bundle = runner.bundle();
            String tap = layer != null ? layer : (bundle.hasManifest() ? bundle.manifest().defaultLayer() : null);
            SanityCheck.requireTaps(bundle, tap);
            List<SanityCheck.Input> images = new ArrayList<>();
            for (Path f : listing.files()) {
                if (images.size() >= limit) break;
                try {
                    DecodedImage img = ImageDecoder.decode(f);
                    images.add(new SanityCheck.Input(f, img, ModelInputs.preprocess(img, bundle.manifest().input())));
                } catch (Exception e) {
                    failed++;
                    System.err.println("gradcam-viewer: " + PathNames.shown(f) + ": " + CliSupport.message(e));
                }
            }
            if (images.size() < 2) throw new IllegalArgumentException("the sanity check needs at least two images that can be read (" + images.size() + " could)");
            List<String> steps = runner.call("listing the model's blocks", () -> ParameterRandomiser.cascade(bundle));
            List<SanityCheck.Result> results = runner.call("the sanity check", () -> SanityCheck.run(bundle, images, tap, sources, steps, seed,
                    s -> System.err.println("gradcam-viewer: sanity: " + s)));
            write(results, images, OutputNames.assign(listing.images()));
            boolean anyFails = false;
            for (SanityCheck.Result r : results) {
                anyFails |= r.fails();
                System.out.println(verdict(r, tap));
            }
            return failed > 0 || anyFails ? 1 : 0;
        }
    }

    static String verdict(SanityCheck.Result r, String layer) {
        int last = r.ssim().length - 1;
        return String.format(Locale.ROOT, "%s at %s: %s: with every block randomised (down to %s) its maps' SSIM to the trained model's is %.3f "
                        + "(Spearman %.3f), %s the %.3f of two different images' maps", r.method(), layer, r.fails() ? "FAILS" : "passes",
                r.steps().get(last), r.ssim()[last], r.spearman()[last], r.fails() ? "above" : "below", r.baselineSsim());
    }

    private void write(List<SanityCheck.Result> results, List<SanityCheck.Input> images, Map<Path, Path> names) throws java.io.IOException {
        StringBuilder csv = new StringBuilder("method,randomised_down_to,spearman,ssim,baseline_ssim\n");
        for (SanityCheck.Result r : results) {
            for (int s = 0; s < r.steps().size(); s++) {
                csv.append(r.method()).append(',').append(CliSupport.csv(r.steps().get(s))).append(',')
                        .append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f", r.spearman()[s], r.ssim()[s], r.baselineSsim())).append('\n');
            }
        }
        AtomicFile.write(out.resolve("sanity.csv"), o -> o.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < images.size(); i++) {
            BufferedImage strip = strip(results, i);
            Path target = out.resolve("strips").resolve(names.get(images.get(i).file()) + ".png");
            Files.createDirectories(target.getParent());
            AtomicFile.write(target, o -> PngEncoder.write(strip, o, PngEncoder.Compression.SMALL));
        }
    }

    private static final int TILE = 96;
    private static final int LABEL = 16;

    /** One row per method: the trained model's map, then the map after each step, with the step's block above. */
    static BufferedImage strip(List<SanityCheck.Result> results, int image) {
        int cols = results.get(0).steps().size();
        BufferedImage img = new BufferedImage(cols * TILE, LABEL + results.size() * (TILE + LABEL), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        g.setColor(Color.DARK_GRAY);
        HeatColorizer colours = new HeatColorizer(Colormap.of("jet"), 1);
        for (int c = 0; c < cols; c++) g.drawString(shorten(results.get(0).steps().get(c)), c * TILE + 2, 12);
        for (int row = 0; row < results.size(); row++) {
            SanityCheck.Result r = results.get(row);
            int y0 = LABEL + row * (TILE + LABEL);
            g.setColor(Color.DARK_GRAY);
            g.drawString(r.method() + (r.fails() ? " (fails)" : ""), 2, y0 + 12);
            for (int c = 0; c < cols; c++) {
                float[] small = Resampler.bilinear(r.maps().get(image).get(c), r.width(), r.height(), TILE, TILE);
                int[] argb = new int[small.length];
                colours.colorize(small, argb);
                img.setRGB(c * TILE, y0 + LABEL, TILE, TILE, argb, 0, TILE);
            }
        }
        g.dispose();
        return img;
    }

    private static String shorten(String s) {
        return s.length() > 16 ? "…" + s.substring(s.length() - 15) : s;
    }
}
