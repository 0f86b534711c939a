package dev.gradcamviewer.model;

/** A model file that cannot be used, with a message meant for the user. */
public class BundleException extends Exception {
    public BundleException(String message) { super(message); }

    public BundleException(String message, Throwable cause) { super(message, cause); }
}
