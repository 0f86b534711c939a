package dev.gradcamviewer.model;

/** The model is fine but failed on one image (its own error, a NaN output): that image fails, a batch goes on. */
public final class ImageFailedException extends BundleException {
    public ImageFailedException(String message) { super(message); }

    public ImageFailedException(String message, Throwable cause) { super(message, cause); }
}
