package dev.gradcamviewer.imaging.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
 * segment per byte of each sample, most significant byte first. Written here because no library on
 * Maven Central decodes it and it is forty lines. A segment that decodes to fewer bytes than the
 * image has pixels (a truncated file, runs of no-op bytes) is said in the warnings, never left as
 * silent zeros.
 */
final class RleDecoder {
    private RleDecoder() { }

    /** The fewest bytes an RLE frame of this format can take: each segment at least 2 bytes per 128 pixels. */
    static long minimumBytes(PixelFormat f) {
        long segments = (long) f.samples() * (f.bitsAllocated() / 8);
        return 64 + segments * 2 * ((f.pixels() + 127L) / 128);
    }

    /** Raw samples per plane: {@code out[sample][pixel]}; a short segment adds a "the file is truncated" warning. */
    static int[][] decode(byte[] frame, PixelFormat f, List<String> warnings) throws DicomException {
        int pixels = f.pixels();
        int bytesPerSample = f.bitsAllocated() / 8;
        if (frame.length < 64) throw new DicomException("the RLE pixel data is too short for its header (" + frame.length + " bytes)");
        if (frame.length < minimumBytes(f)) {
            throw new DicomException(String.format(Locale.ROOT, "the RLE pixel data is %,d bytes, where %dx%d pixels need at least %,d (truncated or damaged)",
                    frame.length, f.columns(), f.rows(), minimumBytes(f)));
        }
        ByteBuffer header = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int segments = header.getInt(0);
        if (segments != f.samples() * bytesPerSample) {
            throw new DicomException("the RLE pixel data has " + segments + " segments; " + f.samples() * bytesPerSample + " were expected");
        }
        int[][] out = new int[f.samples()][pixels];
        byte[] segment = new byte[pixels];
        for (int s = 0; s < segments; s++) {
            int start = header.getInt(4 + 4 * s);
            int end = s + 1 < segments ? header.getInt(8 + 4 * s) : frame.length;
            if (start < 64 || end > frame.length || end < start) throw new DicomException("the RLE pixel data's segment " + (s + 1) + " lies outside it");
            int got = unpack(frame, start, end, segment);
            if (got < pixels) {
                warnings.add(String.format(Locale.ROOT, "the file is truncated: RLE segment %d of %d gives %,d of %,d bytes; the rest of the image is missing (black)",
                        s + 1, segments, got, pixels));
            }
            int sample = s / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - s % bytesPerSample);
            int[] plane = out[sample];
            for (int i = 0; i < pixels; i++) plane[i] |= (segment[i] & 0xff) << shift;
        }
        return out;
    }

    /** PackBits into {@code out}; returns how many bytes the segment gave (the rest is zero). */
    private static int unpack(byte[] in, int from, int to, byte[] out) {
        int o = 0;
        int i = from;
        java.util.Arrays.fill(out, (byte) 0);
        while (i < to && o < out.length) {
            int n = in[i++];
            if (n >= 0) {
                int count = Math.min(n + 1, Math.min(to - i, out.length - o));
                System.arraycopy(in, i, out, o, count);
                i += n + 1;
                o += count;
            } else if (n != -128 && i < to) {
                int count = Math.min(1 - n, out.length - o);
                java.util.Arrays.fill(out, o, o + count, in[i++]);
                o += count;
            }
        }
        return o;
    }
}
