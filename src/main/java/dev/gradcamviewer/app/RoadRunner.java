package dev.gradcamviewer.app;

import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.Road;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;

import java.util.function.BooleanSupplier;

/**
 * ROAD scores of a map through the bundle (see {@link Road}): the target's probability after the
 * imputation minus before, averaged over the percentiles 10 to 90, removing the most relevant
 * pixels first (lower is better: a faithful map's pixels matter) and the least relevant first
 * (higher is better); combined as (least - most) / 2, pytorch-grad-cam's ROADCombined (higher is
 * better). 19 forward passes and 18 imputations per map.
 */
public final class RoadRunner {
    private RoadRunner() { }

    public record Result(double mostRelevantFirst, double leastRelevantFirst, double combined, float[] mostSteps, float[] leastSteps) { }

    /** The scores of a map of {@code ex} (made already), kept with the image so that asking again costs nothing. */
    public static Result measure(ModelBundle bundle, ExplainedImage ex, String layer, CamMethod method, BooleanSupplier stop)
            throws BundleException, InterruptedException {
        Result kept = ex.road(layer, method);
        if (kept != null) return kept;
        CamMap map = ex.cam(layer, method);
        Result r = measure(bundle, ex.input(), FaithfulnessRunner.onInput(map.values(), map.height(), map.width(), ex.input()), ex.pass().target(), stop);
        ex.keepRoad(layer, method, r);
        return r;
    }

    public static Result measure(ModelBundle bundle, Preprocessed input, float[] mapOnInput, int target, BooleanSupplier stop)
            throws BundleException, InterruptedException {
        float[] x = input.tensor();
        int k = Road.PERCENTILES.length;
        int total = 1 + 2 * k;
        float[] scores = new float[total];
        for (int first = 0; first < total; first += FaithfulnessRunner.BATCH) {
            int n = Math.min(FaithfulnessRunner.BATCH, total - first);
            float[] batch = new float[n * x.length];
            for (int j = 0; j < n; j++) {
                if (Thread.interrupted() || stop.getAsBoolean()) throw new InterruptedException("stopped");
                int i = first + j;
                float[] v = i == 0 ? x : Road.impute(x, input.channels(), input.height(), input.width(),
                        Road.kept(mapOnInput, Road.PERCENTILES[(i - 1) % k], i <= k));
                System.arraycopy(v, 0, batch, j * x.length, x.length);
            }
            System.arraycopy(bundle.scores(batch, n, target, Score.PROBABILITY), 0, scores, first, n);
        }
        float[] most = new float[k];
        float[] least = new float[k];
        double sm = 0;
        double sl = 0;
        for (int i = 0; i < k; i++) {
            most[i] = scores[1 + i] - scores[0];
            least[i] = scores[1 + k + i] - scores[0];
            sm += most[i];
            sl += least[i];
        }
        double m = sm / k;
        double l = sl / k;
        return new Result(m, l, (l - m) / 2, most, least);
    }
}
