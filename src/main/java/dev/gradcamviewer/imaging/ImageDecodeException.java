package dev.gradcamviewer.imaging;

/** An image file that cannot be read, with a message meant for the user. */
public final class ImageDecodeException extends Exception {
    public ImageDecodeException(String message) { super(message); }

    public ImageDecodeException(String message, Throwable cause) { super(message, cause); }
}
