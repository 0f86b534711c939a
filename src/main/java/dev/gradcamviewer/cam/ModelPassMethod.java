package dev.gradcamviewer.cam;

/**
 * A method whose channel weights need further passes of the model (Score-CAM, Ablation-CAM): named
 * here so that users can choose it, made where the model runs ({@code app.ModelPassCams}).
 */
record ModelPassMethod(String id, String displayName) implements ChannelWeights {
    @Override public boolean usesGradients() { return false; }

    @Override public boolean needsModelPasses() { return true; }

    @Override
    public double[] channelWeights(LayerData layer) {
        throw new IllegalStateException(displayName + "'s weights come from passes of the model (app.ModelPassCams), not from the layer alone");
    }

    /** The weights those passes gave, as a method over the layer: gradients play no part. */
    record Weighted(String id, String displayName, double[] weights) implements ChannelWeights {
        @Override public double[] channelWeights(LayerData layer) { return weights; }

        @Override public boolean usesGradients() { return false; }
    }
}
