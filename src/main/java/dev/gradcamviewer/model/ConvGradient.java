package dev.gradcamviewer.model;

/** Computes a convolution's input gradient for the self-check, in single or double precision. */
public interface ConvGradient {
    double[] inputGradient(ConvCase c, boolean doublePrecision);
}
