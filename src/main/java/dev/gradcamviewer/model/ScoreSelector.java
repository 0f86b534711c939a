package dev.gradcamviewer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Picks the scalar to back-propagate from the model's outputs, as {@link Score} describes. */
final class ScoreSelector {
    private ScoreSelector() { }

    static NDArray select(NDList outputs, Manifest.OutputSpec out, int target, Score score) {
        NDArray y = outputs.get(0);
        boolean one = y.getShape().size() == 1;
        if (score == Score.LOGIT) {
            NDArray z = out.returnsLogits() ? outputs.get(1) : y;
            if (one) return target == 0 ? z.sum().neg() : z.sum();
            return z.get(0, target);
        }
        NDArray p;
        if (!one && out.isMultiLabel()) {
            NDArray yt = y.get(0, target);
            p = "logits".equals(out.activation()) ? yt.getNDArrayInternal().sigmoid() : yt;
        } else if ("logits".equals(out.activation())) {
            p = one ? y.sum().getNDArrayInternal().sigmoid() : y.softmax(1).get(0, target);
        } else {
            p = one ? y.sum() : y.get(0, target);
        }
        return one && target == 0 ? p.neg().add(1) : p;
    }

    /** The same score from one row of outputs already in Java: {@code y} the output, {@code z} the logits (or null). */
    static float select(float[] y, float[] z, Manifest.OutputSpec out, int target, Score score) {
        boolean one = y.length == 1;
        if (score == Score.LOGIT) {
            float[] logits = out.returnsLogits() && z != null ? z : y;
            if (one) return target == 0 ? -logits[0] : logits[0];
            return logits[target];
        }
        double p;
        if (!one && out.isMultiLabel()) {
            p = "logits".equals(out.activation()) ? sigmoid(y[target]) : y[target];
        } else if ("logits".equals(out.activation())) {
            p = one ? sigmoid(y[0]) : Prediction.probabilities("logits", y)[target];
        } else {
            p = one ? y[0] : y[target];
        }
        return (float) (one && target == 0 ? 1 - p : p);
    }

    private static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }
}
