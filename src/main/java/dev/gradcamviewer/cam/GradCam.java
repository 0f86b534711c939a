package dev.gradcamviewer.cam;

/** Grad-CAM as the source article: weights = spatial mean of the gradients; map = ReLU of the channel mean. */
public final class GradCam implements ChannelWeights {
    @Override public String id() { return "gradcam"; }

    @Override public String displayName() { return "Grad-CAM"; }

    @Override public boolean channelMean() { return true; }

    @Override
    public double[] channelWeights(LayerData l) {
        return ChannelWeights.spatialMean(l.gradients(), l.channels(), l.cells());
    }
}
