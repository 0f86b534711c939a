package dev.gradcamviewer.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one forward+backward pass gives: the prediction, the label explained and the score used,
 * and every tapped layer's activations and gradients. Anything below (method, layer, colours)
 * is computed from this without running the model again.
 */
public record PassResult(Prediction prediction, int target, Score score, double scoreValue,
                         Map<String, TapTensors> taps, long millis) {
    public PassResult {
        taps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taps));
    }

    public TapTensors tap(String name) {
        TapTensors t = taps.get(name);
        if (t == null) throw new IllegalArgumentException("layer '" + name + "' was not computed in this pass");
        return t;
    }
}
