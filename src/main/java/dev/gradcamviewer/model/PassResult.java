package dev.gradcamviewer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one forward+backward pass gives: the prediction, the label explained and the score used,
 * and every tapped layer's activations and gradients. Anything below (method, layer, colours)
 * is computed from this without running the model again.
 *
 * <p>The taps stay in libtorch's memory until a layer is asked for: copying all of them to Java
 * would cost a third of the pass, and a viewer shows one layer at a time. A layer is copied once,
 * on whichever thread asks; {@link #close()} frees what is left. Both are synchronised, so closing
 * from one thread while another copies is safe, and a layer asked for after closing is refused.
 */
public final class PassResult implements AutoCloseable {
    private final Prediction prediction;
    private final int target;
    private final Score score;
    private final double scoreValue;
    private final long millis;
    private final Set<String> tapNames;
    private final Map<String, NativeTap> pending;
    private final Map<String, TapTensors> copied = new HashMap<>();
    private NDManager memory;

    /** Activations (detached) and gradient (null: none was asked for) of one tap, still in libtorch. */
    record NativeTap(NDArray activations, NDArray gradient, int channels, int height, int width) {
        TapTensors copy(String name) {
            float[] a = activations.toFloatArray();
            float[] g = gradient == null ? new float[a.length] : gradient.toFloatArray();
            return new TapTensors(name, a, g, channels, height, width);
        }
    }

    PassResult(Prediction prediction, int target, Score score, double scoreValue, long millis,
               Map<String, NativeTap> taps, NDManager memory) {
        this.prediction = prediction;
        this.target = target;
        this.score = score;
        this.scoreValue = scoreValue;
        this.millis = millis;
        this.pending = new LinkedHashMap<>(taps);
        this.tapNames = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(taps.keySet()));
        this.memory = memory;
    }

    /** A prediction without layers, as a plain TorchScript file (no manifest) gives. */
    public static PassResult predictionOnly(Prediction prediction, int target, Score score, long millis) {
        return new PassResult(prediction, target, score, Double.NaN, millis, Map.of(), null);
    }

    public Prediction prediction() { return prediction; }

    /** The label explained. */
    public int target() { return target; }

    public Score score() { return score; }

    public double scoreValue() { return scoreValue; }

    /** Milliseconds for the forward and backward pass. */
    public long millis() { return millis; }

    /** The layers computed in this pass, in the manifest's order. */
    public Set<String> tapNames() { return tapNames; }

    public boolean hasTap(String name) { return tapNames.contains(name); }

    /** The layer's activations and gradients, copied out of libtorch on the first request. */
    public synchronized TapTensors tap(String name) {
        TapTensors t = copied.get(name);
        if (t != null) return t;
        if (!tapNames.contains(name)) throw new IllegalArgumentException("layer '" + name + "' was not computed in this pass");
        if (released()) throw new IllegalStateException("this image's model pass has been released; run it again to see layer '" + name + "'");
        t = pending.remove(name).copy(name);
        copied.put(name, t);
        return t;
    }

    /** True once the native memory is gone (closed here, or the model was closed): only copied layers remain. */
    public synchronized boolean released() {
        return memory == null || !memory.isOpen();
    }

    /** Frees the layers not copied yet. Copied ones stay readable. */
    @Override
    public synchronized void close() {
        pending.clear();
        if (memory != null) {
            memory.close();
            memory = null;
        }
    }
}
