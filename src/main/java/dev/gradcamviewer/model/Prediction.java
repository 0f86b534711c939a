package dev.gradcamviewer.model;

import java.util.List;

/**
 * Label probabilities for one image, and the pre-activation scores when the bundle returns them.
 * A multi-label model's probabilities are one per label (they need not sum to one).
 */
public record Prediction(List<String> labels, float[] probabilities, float[] logits, boolean multiLabel) {
    public Prediction(List<String> labels, float[] probabilities, float[] logits) {
        this(labels, probabilities, logits, false);
    }

    /** Whether a label counts as found: for a multi-label model each label at 0.5 or above, else the top one. */
    public boolean isPositive(int label) {
        return multiLabel ? probabilities[label] >= 0.5f : label == predicted();
    }

    public int predicted() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
        return best;
    }

    public String predictedLabel() { return labels.get(predicted()); }

    public float probability(int label) { return probabilities[label]; }

    /** Probabilities from the model's raw output, as the manifest's output section says. */
    static float[] probabilities(Manifest.OutputSpec out, float[] y) {
        if (y.length > 1 && out.isMultiLabel()) {
            if ("sigmoid".equals(out.activation())) return y.clone();
            float[] p = new float[y.length];
            for (int i = 0; i < y.length; i++) p[i] = (float) (1 / (1 + Math.exp(-y[i])));
            return p;
        }
        return probabilities(out.activation(), y);
    }

    /** Probabilities from a single-label model's raw output, as its activation says. */
    static float[] probabilities(String activation, float[] y) {
        if (y.length == 1) {
            float p = "sigmoid".equals(activation) ? y[0] : (float) (1 / (1 + Math.exp(-y[0])));
            return new float[] {1 - p, p};
        }
        if ("softmax".equals(activation)) return y.clone();
        double max = Double.NEGATIVE_INFINITY;
        for (float v : y) max = Math.max(max, v);
        double sum = 0;
        double[] e = new double[y.length];
        for (int i = 0; i < y.length; i++) sum += e[i] = Math.exp(y[i] - max);
        float[] p = new float[y.length];
        for (int i = 0; i < y.length; i++) p[i] = (float) (e[i] / sum);
        return p;
    }
}
