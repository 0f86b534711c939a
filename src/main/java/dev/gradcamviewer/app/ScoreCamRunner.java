package dev.gradcamviewer.app;

import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.LayerData;
import dev.gradcamviewer.cam.ScoreCam;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;

import java.util.function.IntConsumer;

/**
 * Score-CAM's masked passes: one masked input per channel of the layer, {@value #BATCH} at a time
 * (pytorch-grad-cam's default batch), scored for the pass's target and score. Runs where the model
 * runs; stops between batches when the thread is interrupted. A model that refuses a batch (traced
 * with a fixed batch size) is scored one input at a time.
 */
public final class ScoreCamRunner {
    public static final int BATCH = 16;

    private ScoreCamRunner() { }

    /** {@code progress} hears how many channels are scored so far. */
    public static CamMap compute(ModelBundle bundle, ExplainedImage ex, String layer, IntConsumer progress)
            throws BundleException, InterruptedException {
        return compute(bundle, ex, layer, progress, () -> false);
    }

    /** The same, stopping between batches once {@code stop} says so (or the thread is interrupted). */
    public static CamMap compute(ModelBundle bundle, ExplainedImage ex, String layer, IntConsumer progress,
                                 java.util.function.BooleanSupplier stop) throws BundleException, InterruptedException {
        LayerData data = ex.layer(layer);
        float[] x = ex.input().tensor();
        int h = ex.input().height();
        int w = ex.input().width();
        int channels = data.channels();
        float[] scores = new float[channels];
        int batch = BATCH;
        for (int k0 = 0; k0 < channels; ) {
            if (Thread.interrupted() || stop.getAsBoolean()) throw new InterruptedException("Score-CAM cancelled");
            int n = Math.min(batch, channels - k0);
            float[] inputs = new float[n * x.length];
            for (int i = 0; i < n; i++) ScoreCam.masked(x, ScoreCam.mask(data, k0 + i, h, w), inputs, i * x.length);
            float[] s;
            try {
                s = bundle.scores(inputs, n, ex.pass().target(), ex.pass().score());
            } catch (BundleException e) {
                if (n == 1) throw e;
                batch = 1;
                continue;
            }
            System.arraycopy(s, 0, scores, k0, n);
            k0 += n;
            progress.accept(k0);
        }
        CamMap map = ScoreCam.map(data, scores);
        ex.keep(layer, ScoreCam.METHOD, map);
        return map;
    }
}
