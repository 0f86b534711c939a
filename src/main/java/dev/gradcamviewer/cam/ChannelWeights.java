package dev.gradcamviewer.cam;

/** A method that gives each channel one weight. */
public non-sealed interface ChannelWeights extends CamMethod {
    double[] channelWeights(LayerData layer);

    /** Spatial mean of each channel of {@code v}. */
    static double[] spatialMean(float[] v, int channels, int cells) {
        double[] m = channelSums(v, channels, cells);
        for (int k = 0; k < channels; k++) m[k] /= cells;
        return m;
    }

    /** Sum over the cells of each channel of {@code v}. */
    static double[] channelSums(float[] v, int channels, int cells) {
        double[] s = new double[channels];
        for (int k = 0; k < channels; k++) {
            for (int p = 0; p < cells; p++) s[k] += v[k * cells + p];
        }
        return s;
    }
}
