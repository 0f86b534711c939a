package dev.gradcamviewer.cam;

/** A method that weighs every cell of every channel on its own (no pooling of gradients). */
public non-sealed interface CellWeights extends CamMethod {
    double[] cellWeights(LayerData layer);
}
