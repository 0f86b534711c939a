package dev.gradcamviewer.cam;

/**
 * A CAM method: how the activations of each channel are weighted. The map is then, for every cell,
 * ReLU of the weighted sum over channels, divided by its maximum ({@link #compute}).
 *
 * <p>A method weighs either whole channels ({@link ChannelWeights}: one weight per channel) or each
 * cell of each channel ({@link CellWeights}), or makes the cells' values directly ({@link MapMethod}).
 */
public sealed interface CamMethod permits ChannelWeights, CellWeights, MapMethod {
    /** The name shown to users and used in file names, e.g. "gradcam". */
    String id();

    String displayName();

    default CamMap compute(LayerData layer) {
        int c = layer.channels();
        int n = layer.cells();
        float[] a = layer.activations();
        double[] sum = new double[n];
        boolean zeroGradient = usesGradients() && layer.gradientIsZero();
        if (this instanceof MapMethod mm) {
            sum = zeroGradient ? sum : mm.rawMap(layer);
        } else if (this instanceof ChannelWeights cw) {
            double[] w = cw.channelWeights(layer);
            for (int k = 0; k < c; k++) {
                double wk = w[k];
                if (wk == 0) continue;
                int base = k * n;
                for (int p = 0; p < n; p++) sum[p] += wk * a[base + p];
            }
        } else if (this instanceof CellWeights cells) {
            double[] w = cells.cellWeights(layer);
            for (int i = 0; i < c * n; i++) sum[i % n] += w[i] * a[i];
        }
        double scale = this.channelMean() ? 1.0 / c : 1.0;
        float[] map = new float[n];
        double max = 0;
        for (int p = 0; p < n; p++) {
            double v = Math.max(0, sum[p] * scale);
            map[p] = (float) v;
            max = Math.max(max, v);
        }
        if (max > 0) for (int p = 0; p < n; p++) map[p] = (float) (map[p] / max);
        return new CamMap(map, layer.height(), layer.width(), zeroGradient);
    }

    /**
     * Whether the weights need further passes of the model (Score-CAM's masked inputs): such a map is
     * made where the model runs ({@code app.ModelPassCams}), not from the layer alone.
     */
    default boolean needsModelPasses() { return false; }

    /** Whether the map depends on the gradients (a map without them is never "saturated"). */
    default boolean usesGradients() { return true; }

    /** Whether the weighted activations are averaged over channels (the article's Grad-CAM) or summed. */
    default boolean channelMean() { return false; }
}
