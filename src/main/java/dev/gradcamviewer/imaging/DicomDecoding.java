package dev.gradcamviewer.imaging;

import dev.gradcamviewer.imaging.dicom.DicomException;
import dev.gradcamviewer.imaging.dicom.DicomImageReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** A DICOM file as a {@link DecodedImage}: planes through the file's default VOI, gray levels kept for windowing. */
final class DicomDecoding {
    private DicomDecoding() { }

    static DecodedImage decode(Path file, String name) throws ImageDecodeException {
        DicomImageReader.Result r;
        try {
            r = DicomImageReader.read(file);
        } catch (DicomException e) {
            throw new ImageDecodeException(name + ": DICOM: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageDecodeException(name + " cannot be read: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(name + " does not fit in the memory this program may use (raise it with -Xmx)", e);
        } catch (StackOverflowError e) {
            throw new ImageDecodeException(name + ": DICOM: its structure is nested too deeply to read (a damaged or hostile file)", e);
        }
        long pixels = (long) r.width() * r.height();
        if (pixels > ImageDecoder.MAX_PIXELS) {
            throw new ImageDecodeException(String.format(Locale.ROOT, "%s is %dx%d pixels: more than this program reads", name, r.width(), r.height()));
        }
        DecodedImage pixelsOnly;
        if (r.levels() == null) {
            pixelsOnly = new DecodedImage(r.width(), r.height(), r.colour(), Math.min(r.bitsStored(), 16));
        } else {
            float[] shown = r.levels().render(r.levels().defaultVoi(), false);
            pixelsOnly = new DecodedImage(r.width(), r.height(), new float[][] {shown}, r.bitsStored());
        }
        return new DecodedImage(pixelsOnly.withLevels(r.levels(), r.info()), r.warnings(), 1, r.width(), r.height(), false);
    }

    static long pixelCount(Path file) {
        try {
            return DicomImageReader.pixelCount(file);
        } catch (IOException | DicomException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return -1; // the decoder then says why

        }
    }
}
