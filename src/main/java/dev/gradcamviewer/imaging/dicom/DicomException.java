package dev.gradcamviewer.imaging.dicom;

/** A DICOM file that cannot be read, with a message meant for the user. */
public class DicomException extends Exception {
    public DicomException(String message) { super(message); }

    public DicomException(String message, Throwable cause) { super(message, cause); }
}
