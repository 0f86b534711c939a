package dev.gradcamviewer.cam;

/**
 * A method that makes each cell's value directly rather than by weighing activations (Eigen-CAM,
 * element-wise Grad-CAM, the random baseline); the map is then ReLU'd and divided by its maximum
 * like every other.
 */
public non-sealed interface MapMethod extends CamMethod {
    /** The map before ReLU and normalisation, one value per cell. */
    double[] rawMap(LayerData layer);

    /** Whether the method needs the gradient (a saturated score leaves it without a map). */
    @Override
    boolean usesGradients();
}
