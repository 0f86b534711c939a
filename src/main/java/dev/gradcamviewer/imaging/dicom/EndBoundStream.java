package dev.gradcamviewer.imaging.dicom;

import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * A frame's compressed bytes for an ImageIO decoder, in memory (no cache file), that ends a decoder
 * going round in circles: jai-imageio's JPEG 2000 decoder, given a damaged stream, reads past its
 * end for ever. Past the end a read gives -1 a few times (as every stream does), then fails, and so
 * does reading the data over more times than any decoder needs.
 */
final class EndBoundStream extends MemoryCacheImageInputStream {
    private static final int EOF_READS = 4096;
    private static final int PASSES = 64;
    private final long limit;
    private long read;
    private int atEnd;

    EndBoundStream(byte[] data) {
        super(new ByteArrayInputStream(data));
        this.limit = (long) PASSES * Math.max(data.length, 1 << 16);
    }

    private int counted(int n) throws IOException {
        if (n < 0) {
            if (++atEnd > EOF_READS) throw new EOFException("the decoder kept reading past the end of the data");
        } else {
            read += n;
            if (read > limit) throw new EOFException("the decoder read the data over " + PASSES + " times");
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        return b < 0 ? counted(-1) : counted(1) < 0 ? -1 : b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return counted(super.read(b, off, len));
    }
}
