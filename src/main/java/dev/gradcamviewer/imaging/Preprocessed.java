package dev.gradcamviewer.imaging;

/** A model input, channels first ({@code c * h * w} values), and where it came from in the original. */
public record Preprocessed(float[] tensor, int channels, int height, int width, CropRegion crop) { }
