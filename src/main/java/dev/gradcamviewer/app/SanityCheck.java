package dev.gradcamviewer.app;

import dev.gradcamviewer.atlas.MapSimilarity;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.ParameterRandomiser;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.Score;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model-parameter randomisation test (Adebayo et al. 2018): the model's blocks are re-initialised
 * one more at a time from the output down, and each method's map of each image is made again after
 * every step, for the label the trained model predicted. A map that explains the model must change
 * as its weights go; one that only shows the image (an edge detector) does not. Each step's map is
 * compared with the trained model's by Spearman rank correlation and SSIM, on the model's input frame;
 * the baseline is the mean SSIM of the trained model's maps of two different images (Arun et al.
 * 2021): a method **fails** when its maps after the whole cascade are still more alike to the trained
 * ones than that. Run on the model's thread.
 */
public final class SanityCheck {
    /** Where a method's map of an explained image comes from (a CAM method, or in tests anything else). */
    public interface MapSource {
        String id();

        /** The map on the model's input ({@code ex.input()}'s height x width), in [0, 1]. */
        float[] map(ModelBundle bundle, ExplainedImage ex, String layer) throws Exception;
    }

    /** A CAM method as a map source. */
    public static MapSource of(CamMethod m) {
        return new MapSource() {
            @Override public String id() { return m.id(); }

            @Override public float[] map(ModelBundle bundle, ExplainedImage ex, String layer) throws Exception {
                if (m.needsModelPasses()) ModelPassCams.compute(m, bundle, ex, layer, k -> { });
                CamMap c = ex.cam(layer, m);
                return FaithfulnessRunner.onInput(c.values(), c.height(), c.width(), ex.input());
            }
        };
    }

    /** One image as the model takes it. */
    public record Input(java.nio.file.Path file, dev.gradcamviewer.imaging.DecodedImage image, dev.gradcamviewer.imaging.Preprocessed input) { }

    /** A method's result: per step (0 = trained), the mean Spearman and SSIM to the trained maps; the baseline; every map for the strips. */
    public record Result(String method, List<String> steps, double[] spearman, double[] ssim, double baselineSsim, List<List<float[]>> maps,
                         int height, int width) {
        /** Fails when the fully randomised model's maps are still more alike to the trained ones than two images' maps are. */
        public boolean fails() { return ssim[ssim.length - 1] > baselineSsim; }
    }

    private SanityCheck() { }

    /**
     * @param steps the blocks in cascade order ({@link ParameterRandomiser#cascade}); step k randomises the first k
     * @param progress told each step's name as it starts
     */
    public static List<Result> run(ModelBundle bundle, List<Input> images, String layer, List<MapSource> methods, List<String> steps, long seed,
                                   java.util.function.Consumer<String> progress) throws Exception {
        int n = images.size();
        int[] targets = new int[n];
        // maps[method][image][step]
        Map<String, List<List<float[]>>> maps = new LinkedHashMap<>();
        for (MapSource m : methods) {
            List<List<float[]>> perImage = new ArrayList<>();
            for (int i = 0; i < n; i++) perImage.add(new ArrayList<>());
            maps.put(m.id(), perImage);
        }
        for (int step = 0; step <= steps.size(); step++) {
            progress.accept(step == 0 ? "the trained model" : "randomised down to " + steps.get(step - 1));
            try (ParameterRandomiser.Randomised r = ParameterRandomiser.randomise(bundle, steps.subList(0, step), seed)) {
                for (int i = 0; i < n; i++) {
                    Input in = images.get(i);
                    PassResult pass = bundle.explain(in.input().tensor(), step == 0 ? -1 : targets[i], Score.LOGIT, List.of(layer));
                    if (step == 0) targets[i] = pass.target();
                    try (ExplainedImage ex = new ExplainedImage(in.file(), in.image(), in.input(), pass, bundle.manifest().taps())) {
                        for (MapSource m : methods) maps.get(m.id()).get(i).add(normalised(m.map(bundle, ex, layer)));
                    }
                }
            }
        }
        List<Result> out = new ArrayList<>();
        int h = images.isEmpty() ? 0 : images.get(0).input().height();
        int w = images.isEmpty() ? 0 : images.get(0).input().width();
        List<String> names = new ArrayList<>();
        names.add("trained");
        names.addAll(steps);
        for (MapSource m : methods) {
            List<List<float[]>> perImage = maps.get(m.id());
            double[] sp = new double[steps.size() + 1];
            double[] ss = new double[steps.size() + 1];
            for (int step = 0; step <= steps.size(); step++) {
                double a = 0, b = 0;
                int counted = 0;
                for (int i = 0; i < n; i++) {
                    float[] trained = perImage.get(i).get(0);
                    float[] now = perImage.get(i).get(step);
                    double s = MapSimilarity.spearman(trained, now);
                    a += Double.isNaN(s) ? 0 : s; // a constant map (all zero) ranks nothing alike
                    b += MapSimilarity.ssim(trained, now, w, h);
                    counted++;
                }
                sp[step] = a / counted;
                ss[step] = b / counted;
            }
            out.add(new Result(m.id(), names, sp, ss, baseline(perImage, w, h), perImage, h, w));
        }
        return out;
    }

    /** The mean SSIM of the trained model's maps of different images: every pair for up to 20 images, else each with the next. */
    static double baseline(List<List<float[]>> perImage, int w, int h) {
        int n = perImage.size();
        if (n < 2) return Double.NaN;
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (n > 20 && j != i + 1) continue;
                sum += MapSimilarity.ssim(perImage.get(i).get(0), perImage.get(j).get(0), w, h);
                pairs++;
            }
        }
        return sum / pairs;
    }

    /** Divided by its maximum (a map of zeros stays zero), so that maps of every step compare on one scale. */
    static float[] normalised(float[] m) {
        float max = 0;
        for (float v : m) max = Math.max(max, v);
        float[] out = m.clone();
        if (max > 0) for (int i = 0; i < out.length; i++) out[i] = Math.max(0, out[i] / max);
        else java.util.Arrays.fill(out, 0f);
        return out;
    }

    /** Refuses a bundle that cannot explain {@code layer}, before any work. */
    public static void requireTaps(ModelBundle bundle, String layer) throws BundleException {
        if (!bundle.hasManifest()) throw new BundleException(bundle.file().getFileName() + " has no Grad-CAM manifest: export it with models/tools/export_model.py");
        if (!bundle.tapNames().contains(layer)) throw new BundleException("layer '" + layer + "' is not tapped in this model");
    }
}
