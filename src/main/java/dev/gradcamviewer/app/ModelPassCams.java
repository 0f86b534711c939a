package dev.gradcamviewer.app;

import dev.gradcamviewer.cam.AblationCam;
import dev.gradcamviewer.cam.AugSmooth;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.LayerData;
import dev.gradcamviewer.cam.ScoreCam;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;

import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The methods whose weights need further passes of the model, run where the model runs: Score-CAM
 * (one masked input per channel, 16 to a batch as pytorch-grad-cam) and Ablation-CAM (one pass per
 * channel with that channel removed through the layer's probe, 32 to a batch as pytorch-grad-cam).
 * They stop between batches when the thread is interrupted or {@code stop} says so; a model that
 * refuses a batch (traced with a fixed batch size) is run one input at a time. The map is kept with
 * the image's others.
 */
public final class ModelPassCams {
    public static final int SCORE_CAM_BATCH = 16;
    public static final int ABLATION_CAM_BATCH = 32;

    private ModelPassCams() { }

    /** {@code progress} hears how many channels are done. */
    public static CamMap compute(CamMethod method, ModelBundle bundle, ExplainedImage ex, String layer, IntConsumer progress,
                                 BooleanSupplier stop) throws BundleException, InterruptedException {
        LayerData data = ex.layer(layer);
        float[] x = ex.input().tensor();
        int target = ex.pass().target();
        CamMap map;
        if (method.id().equals(ScoreCam.ID)) {
            int h = ex.input().height();
            int w = ex.input().width();
            float[] scores = everyChannel(data.channels(), SCORE_CAM_BATCH, (k0, n) -> {
                float[] inputs = new float[n * x.length];
                for (int i = 0; i < n; i++) ScoreCam.masked(x, ScoreCam.mask(data, k0 + i, h, w), inputs, i * x.length);
                return bundle.scores(inputs, n, target, ex.pass().score());
            }, progress, stop);
            map = ScoreCam.map(data, scores);
        } else if (method.id().equals(AblationCam.ID)) {
            float original = bundle.scores(x, 1, target, ex.pass().score())[0];
            int size = data.channels() * data.cells();
            boolean[] shared = {true};
            float[] removed = everyChannel(data.channels(), ABLATION_CAM_BATCH, (k0, n) -> {
                float[] probes = new float[n * size];
                for (int i = 0; i < n; i++) AblationCam.removal(data, k0 + i, probes, i * size);
                if (shared[0]) {
                    try {
                        // the layers before the tap once, their output broadcast over the removals
                        return bundle.scores(x, n, target, ex.pass().score(), layer, probes);
                    } catch (BundleException e) {
                        shared[0] = false;
                    }
                }
                float[] inputs = new float[n * x.length];
                for (int i = 0; i < n; i++) System.arraycopy(x, 0, inputs, i * x.length, x.length);
                return bundle.scores(inputs, n, target, ex.pass().score(), layer, probes);
            }, progress, stop);
            map = AblationCam.map(data, original, removed);
        } else if (method instanceof AugSmooth aug) {
            map = augSmoothed(aug, bundle, ex, layer, progress, stop);
        } else {
            throw new IllegalArgumentException(method.displayName() + " needs no further passes");
        }
        ex.keep(layer, method, map);
        return map;
    }

    /** Six passes with gradients, one per augmented input, for the same target and score as the image's pass. */
    private static CamMap augSmoothed(AugSmooth aug, ModelBundle bundle, ExplainedImage ex, String layer, IntConsumer progress,
                                      BooleanSupplier stop) throws BundleException, InterruptedException {
        var in = ex.input();
        float[][] maps = new float[2 * AugSmooth.FACTORS.length][];
        int h = 0;
        int w = 0;
        boolean zero = true;
        int k = 0;
        for (boolean mirror : new boolean[] {false, true}) {
            for (double factor : AugSmooth.FACTORS) {
                if (Thread.interrupted() || stop.getAsBoolean()) throw new InterruptedException("stopped");
                float[] x = AugSmooth.augmented(in.tensor(), in.channels(), in.height(), in.width(), mirror, factor);
                try (dev.gradcamviewer.model.PassResult pass = bundle.explain(x, ex.pass().target(), ex.pass().score(), java.util.List.of(layer))) {
                    var t = pass.tap(layer);
                    CamMap m = aug.inner().compute(new LayerData(t.activations(), t.gradients(), t.channels(), t.height(), t.width()));
                    h = m.height();
                    w = m.width();
                    zero &= m.zeroGradient();
                    maps[k++] = mirror ? AugSmooth.mirrored(m.values(), h, w) : m.values();
                }
                progress.accept(k);
            }
        }
        return AugSmooth.mean(maps, h, w, zero);
    }

    /** The same without a way to stop but interrupting the thread. */
    public static CamMap compute(CamMethod method, ModelBundle bundle, ExplainedImage ex, String layer, IntConsumer progress)
            throws BundleException, InterruptedException {
        return compute(method, bundle, ex, layer, progress, () -> false);
    }

    /** Scores for channels [k0, k0 + n) in one batch. */
    private interface Batch {
        float[] scores(int k0, int n) throws BundleException;
    }

    private static float[] everyChannel(int channels, int batchSize, Batch batch, IntConsumer progress, BooleanSupplier stop)
            throws BundleException, InterruptedException {
        float[] scores = new float[channels];
        int size = batchSize;
        for (int k0 = 0; k0 < channels; ) {
            if (Thread.interrupted() || stop.getAsBoolean()) throw new InterruptedException("stopped");
            int n = Math.min(size, channels - k0);
            float[] s;
            try {
                s = batch.scores(k0, n);
            } catch (BundleException e) {
                if (n == 1) throw e;
                size = 1;
                continue;
            }
            System.arraycopy(s, 0, scores, k0, n);
            k0 += n;
            progress.accept(k0);
        }
        return scores;
    }
}
