package dev.gradcamviewer.model;

import java.util.List;

/** Label probabilities for one image, and the pre-activation scores when the bundle returns them. */
public record Prediction(List<String> labels, float[] probabilities, float[] logits) {
    public int predicted() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
        return best;
    }

    public String predictedLabel() { return labels.get(predicted()); }

    public float probability(int label) { return probabilities[label]; }

    /** Probabilities from the model's raw output, as the manifest's activation says. */
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
