package dev.gradcamviewer.imaging.dicom;

import java.util.Arrays;
import java.util.Optional;

/** The transfer syntaxes this reader knows by name, and whether it reads their pixels. */
public enum TransferSyntax {
    IMPLICIT_LE("1.2.840.10008.1.2", "Implicit VR Little Endian", true),
    EXPLICIT_LE("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true),
    DEFLATED_LE("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true),
    EXPLICIT_BE("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true),
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", "JPEG Baseline (8-bit)", true),
    JPEG_EXTENDED("1.2.840.10008.1.2.4.51", "JPEG Extended", true),
    JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", "JPEG Lossless", true),
    JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", "JPEG Lossless, first-order prediction", true),
    JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", false),
    JPEG_LS_NEAR_LOSSLESS("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", false),
    JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless", true),
    JPEG_2000("1.2.840.10008.1.2.4.91", "JPEG 2000", true),
    HTJ2K_LOSSLESS("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless", false),
    HTJ2K("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", false),
    MPEG2("1.2.840.10008.1.2.4.100", "MPEG-2 video", false),
    MPEG4("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 video", false),
    RLE("1.2.840.10008.1.2.5", "RLE Lossless", true);

    public final String uid;
    public final String title;
    public final boolean pixelsReadable;

    TransferSyntax(String uid, String title, boolean pixelsReadable) {
        this.uid = uid;
        this.title = title;
        this.pixelsReadable = pixelsReadable;
    }

    public static Optional<TransferSyntax> of(String uid) {
        return Arrays.stream(values()).filter(t -> t.uid.equals(uid)).findFirst();
    }

    public boolean encapsulated() {
        return this != IMPLICIT_LE && this != EXPLICIT_LE && this != DEFLATED_LE && this != EXPLICIT_BE;
    }

    public boolean jpeg() {
        return this == JPEG_BASELINE || this == JPEG_EXTENDED || this == JPEG_LOSSLESS || this == JPEG_LOSSLESS_SV1;
    }

    public boolean jpeg2000() {
        return this == JPEG_2000_LOSSLESS || this == JPEG_2000;
    }

    /** "JPEG-LS Lossless (1.2.840.10008.1.2.4.80)". */
    public String describe() {
        return title + " (" + uid + ")";
    }
}
