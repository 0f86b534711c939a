package dev.gradcamviewer.imaging;

/**
 * The part of the original image that the model saw, in original pixels (edges, not centres):
 * model-input pixel (i, j) covers original [top + i * scaleY, top + (i + 1) * scaleY) and likewise in x.
 */
public record CropRegion(double top, double left, double height, double width, double scaleY, double scaleX) { }
