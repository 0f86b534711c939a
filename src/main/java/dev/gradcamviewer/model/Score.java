package dev.gradcamviewer.model;

/** Which scalar is back-propagated for a target label. */
public enum Score {
    /** The pre-activation score (default): no saturation when the model is sure. For a one-output sigmoid model the negative label's score is -logit. */
    LOGIT,
    /** The output itself, as the source article does (1 - output for a sigmoid model's negative label). */
    PROBABILITY
}
