package dev.gradcamviewer.imaging.dicom;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A deflated data set (Deflated Explicit VR Little Endian) inflated on demand, never further than
 * asked: a few megabytes of zeros can inflate to gigabytes, so the parser asks for what it has to
 * read and no more.
 */
final class InflatedBody {
    /** Attributes before the pixel data, once inflated: far above any real file's. */
    static final int MAX_ATTRIBUTES = 64 << 20;
    /** The most one data set may inflate to (a Java array's limit). */
    static final long MAX_INFLATED = Integer.MAX_VALUE - 64;

    private final Inflater inflater = new Inflater(true);
    private byte[] out = new byte[1 << 16];
    private int size;
    private boolean ended;

    InflatedBody(byte[] bytes, int start) {
        inflater.setInput(bytes, start, bytes.length - start);
    }

    /** The first {@code n} bytes of the inflated data set, or all of it when it is shorter. */
    byte[] upTo(int n) throws DicomException {
        try {
            while (size < n && !ended) {
                if (out.length == size) out = Arrays.copyOf(out, (int) Math.min(Math.max((long) n, 2L * out.length), MAX_INFLATED));
                int got = inflater.inflate(out, size, Math.min(out.length, n) - size);
                size += got;
                if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) ended = true;
            }
        } catch (DataFormatException e) {
            throw new DicomException("the deflated data set is damaged: " + e.getMessage(), e);
        }
        if (ended) inflater.end();
        return Arrays.copyOf(out, Math.min(size, n));
    }

    /** True once the deflated stream has given all it holds. */
    boolean ended() { return ended; }
}
