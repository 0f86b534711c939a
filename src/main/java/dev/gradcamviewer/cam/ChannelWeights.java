package dev.gradcamviewer.cam;

/** A method that gives each channel one weight. */
public non-sealed interface ChannelWeights extends CamMethod {
    double[] channelWeights(LayerData layer);

    /** Spatial mean of each channel of {@code v}. */
    static double[] spatialMean(float[] v, int channels, int cells) {
        double[] m = new double[channels];
        for (int k = 0; k < channels; k++) {
            double s = 0;
            for (int p = 0; p < cells; p++) s += v[k * cells + p];
            m[k] = s / cells;
        }
        return m;
    }
}
