package dev.gradcamviewer.imaging;

import dev.gradcamviewer.imaging.dicom.DicomInfo;

import java.util.List;

/**
 * An image at full resolution as float planes in [0, 1]: {@code planes[c][y * width + x]}, one plane
 * for grayscale, three for colour. {@code bitDepth} is per sample as stored in the file (8 or 16).
 * {@code warnings} says what the decoder noticed (a truncated file, a rotation from the file's
 * orientation tag), for the user to read. {@code step} is 1, or s when a very large file was read at
 * 1/s of its size in each direction (pixel (x, y) here is the file's (s x, s y)); {@code sourceWidth}
 * and {@code sourceHeight} are the file's own size then. {@code levels} (null for 8-bit and colour
 * images) keeps the gray values behind a DICOM or 16-bit image, for display windowing;
 * {@code dicom} (null unless DICOM) what the file says about patient, study and storage.
 */
public record DecodedImage(int width, int height, float[][] planes, int bitDepth, List<String> warnings,
                           int step, int sourceWidth, int sourceHeight, boolean turned, GrayLevels levels, DicomInfo dicom) {
    public DecodedImage(int width, int height, float[][] planes, int bitDepth) {
        this(width, height, planes, bitDepth, List.of(), 1, width, height, false, null, null);
    }

    /** {@code pixels} as read from a file of the given size, with what was noticed on the way. */
    DecodedImage(DecodedImage pixels, List<String> warnings, int step, int sourceWidth, int sourceHeight, boolean turned) {
        this(pixels.width(), pixels.height(), pixels.planes(), pixels.bitDepth(), List.copyOf(warnings), step, sourceWidth,
                sourceHeight, turned, pixels.levels(), pixels.dicom());
    }

    /** The same image with the gray values behind it. */
    public DecodedImage withLevels(GrayLevels newLevels, DicomInfo info) {
        return new DecodedImage(width, height, planes, bitDepth, warnings, step, sourceWidth, sourceHeight, turned, newLevels, info);
    }

    /** The same image with other planes (a different window for the model, say). */
    public DecodedImage withPlanes(float[][] newPlanes) {
        return new DecodedImage(width, height, newPlanes, bitDepth, warnings, step, sourceWidth, sourceHeight, turned, levels, dicom);
    }

    public int channels() { return planes.length; }

    public boolean isGray() { return planes.length == 1; }

    public boolean isDicom() { return dicom != null; }

    /** True when part of the file was missing and the decoder filled it in. */
    public boolean truncated() {
        return warnings.stream().anyMatch(w -> w.startsWith("the file is truncated"));
    }
}
