package dev.gradcamviewer.model;

/** One tap's activations and gradients for one image, channels first, shape [channels, height, width]. */
public record TapTensors(String name, float[] activations, float[] gradients, int channels, int height, int width) { }
