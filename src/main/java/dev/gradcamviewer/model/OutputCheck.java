package dev.gradcamviewer.model;

/** What a model returns for a blank input, against what its manifest says it returns. */
final class OutputCheck {
    private OutputCheck() { }

    /** The model's outputs (for a blank input) must fit the labels and the activation the manifest declares. */
    static void require(Manifest.OutputSpec o, float[] y, long logits) throws BundleException {
        int labels = o.labels().size();
        if (y.length != labels && !(y.length == 1 && labels == 2)) {
            throw new BundleException("the model returns " + y.length + " output(s) but its manifest names " + labels + " labels "
                    + o.labels().subList(0, Math.min(5, labels)) + (labels > 5 ? "..." : ""));
        }
        if (logits >= 0 && logits != y.length) {
            throw new BundleException("the model's logits have " + logits + " values but its output " + y.length);
        }
        boolean finite = true;
        double sum = 0;
        boolean unit = true;
        for (float v : y) {
            finite &= Float.isFinite(v);
            unit &= v >= 0 && v <= 1;
            sum += v;
        }
        if (!finite) return; // judged per image: a NaN prediction is refused then
        if (("softmax".equals(o.activation()) || "sigmoid".equals(o.activation())) && !unit) {
            throw new BundleException("the manifest says the model ends in " + o.activation() + ", but it returns values outside 0..1 ("
                    + java.util.Arrays.toString(java.util.Arrays.copyOf(y, Math.min(4, y.length))) + "): they are not probabilities");
        }
        if ("softmax".equals(o.activation()) && y.length > 1 && Math.abs(sum - 1) > 1e-3) {
            throw new BundleException("the manifest says the model ends in softmax, but its outputs sum to "
                    + String.format(java.util.Locale.ROOT, "%.4g", sum) + ", not 1");
        }
    }
}
