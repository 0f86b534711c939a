package dev.gradcamviewer.review;

/** A review file that cannot be read or written, with a message for the user. */
public final class ReviewException extends Exception {
    public ReviewException(String message, Throwable cause) { super(message, cause); }
}
