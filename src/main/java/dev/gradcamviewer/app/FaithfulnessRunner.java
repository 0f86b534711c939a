package dev.gradcamviewer.app;

import dev.gradcamviewer.cam.Faithfulness;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.imaging.Resampler;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;

import java.util.function.BooleanSupplier;

/**
 * The faithfulness scores of one map (see {@link Faithfulness}), from batched forward passes of the
 * model: deletion and insertion curves of {@value Faithfulness#STEPS} steps, and the confidence change
 * for the map and its inverse; 69 inputs, 16 to a pass. Runs where the model runs.
 */
public final class FaithfulnessRunner {
    public static final int BATCH = 16;

    private FaithfulnessRunner() { }

    /** Deletion and insertion: areas under the target's probability; the curves themselves for a plot. */
    public record Result(double deletion, double insertion, double confidenceChange, double invertedConfidenceChange,
                         float[] deletionCurve, float[] insertionCurve) { }

    /** A low-resolution map brought to the model input's size: bilinear, half-pixel (cv2.resize, as pytorch-grad-cam). */
    public static float[] onInput(float[] map, int rows, int cols, Preprocessed input) {
        return Resampler.bilinear(map, cols, rows, input.width(), input.height());
    }

    /**
     * The scores of a map of {@code ex} (made already), kept with the image so that asking again
     * costs nothing; the normalisation from the model's manifest.
     */
    public static Result measure(ModelBundle bundle, ExplainedImage ex, String layer, dev.gradcamviewer.cam.CamMethod method,
                                 BooleanSupplier stop) throws BundleException, InterruptedException {
        Result kept = ex.faithfulness(layer, method);
        if (kept != null) return kept;
        Result r = measureAgain(bundle, ex, layer, method, stop);
        ex.keepFaithfulness(layer, method, r);
        return r;
    }

    /** The same, measured even when already kept (for timing). */
    public static Result measureAgain(ModelBundle bundle, ExplainedImage ex, String layer, dev.gradcamviewer.cam.CamMethod method,
                                      BooleanSupplier stop) throws BundleException, InterruptedException {
        dev.gradcamviewer.cam.CamMap map = ex.cam(layer, method);
        var spec = ModelInputs.specOf(bundle.manifest().input());
        return measure(bundle, ex.input(), onInput(map.values(), map.height(), map.width(), ex.input()), ex.pass().target(),
                spec.mean(), spec.std(), stop);
    }

    public static Result measure(ModelBundle bundle, Preprocessed input, float[] mapOnInput, int target, float[] mean, float[] std,
                                 BooleanSupplier stop) throws BundleException, InterruptedException {
        float[] x = input.tensor();
        int channels = input.channels();
        int cells = input.height() * input.width();
        int[] order = Faithfulness.order(mapOnInput);
        float[] black = Faithfulness.black(channels, cells, mean, std);
        float[] blur = Faithfulness.blurred(x, channels, input.height(), input.width());
        int points = Faithfulness.STEPS + 1;
        int total = 2 * points + 3;
        float[] scores = new float[total];
        for (int first = 0; first < total; first += BATCH) {
            if (Thread.interrupted() || stop.getAsBoolean()) throw new InterruptedException("stopped");
            int n = Math.min(BATCH, total - first);
            float[] batch = new float[n * x.length];
            for (int j = 0; j < n; j++) {
                int i = first + j;
                int at = j * x.length;
                if (i < points) {
                    Faithfulness.replaceFirst(x, black, order, Faithfulness.changed(i, cells), channels, batch, at);
                } else if (i < 2 * points) {
                    Faithfulness.replaceFirst(blur, x, order, Faithfulness.changed(i - points, cells), channels, batch, at);
                } else if (i == 2 * points) {
                    System.arraycopy(x, 0, batch, at, x.length);
                } else {
                    Faithfulness.multiply(x, mapOnInput, i == 2 * points + 2, batch, at);
                }
            }
            System.arraycopy(bundle.scores(batch, n, target, Score.PROBABILITY), 0, scores, first, n);
        }
        float[] deletion = java.util.Arrays.copyOfRange(scores, 0, points);
        float[] insertion = java.util.Arrays.copyOfRange(scores, points, 2 * points);
        float original = scores[2 * points];
        return new Result(Faithfulness.area(deletion), Faithfulness.area(insertion), scores[2 * points + 1] - original,
                scores[2 * points + 2] - original, deletion, insertion);
    }
}
