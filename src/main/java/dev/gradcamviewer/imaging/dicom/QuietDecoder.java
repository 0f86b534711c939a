package dev.gradcamviewer.imaging.dicom;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * Runs a decoder that writes to {@code System.err} on its own (jai-imageio's JPEG 2000 decoder
 * prints a stack trace for a damaged stream, then throws {@code ThreadDeath}) without that text
 * reaching the user: what the calling thread writes to standard error meanwhile is dropped; other
 * threads' output passes as before. The failure itself is reported as the file's message.
 */
final class QuietDecoder {
    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);
    private static final Object LOCK = new Object();

    private QuietDecoder() { }

    /** Standard error that forwards everything but what a quiet thread writes. */
    private static final class Filter extends PrintStream {
        Filter(PrintStream target) {
            super(new OutputStream() {
                @Override public void write(int b) {
                    if (!QUIET.get()) target.write(b);
                }

                @Override public void write(byte[] b, int off, int len) {
                    if (!QUIET.get()) target.write(b, off, len);
                }

                @Override public void flush() {
                    target.flush();
                }
            }, true);
        }
    }

    static <T> T run(Callable<T> work) throws Exception {
        synchronized (LOCK) {
            if (!(System.err instanceof Filter)) System.setErr(new Filter(System.err));
        }
        QUIET.set(true);
        try {
            return work.call();
        } finally {
            QUIET.set(false);
        }
    }
}
