package dev.gradcamviewer.imaging.dicom;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Runs a third-party decoder with a time limit. jai-imageio's JPEG 2000 decoder, given some damaged
 * code streams, loops for ever inside its packet-header reader without reading anything (found by
 * fuzzing; kept as {@code j2k-decoder-loops-for-ever.dcm}): past the limit its thread is stopped.
 * {@code Thread.stop} is deprecated because it can leave shared state half-changed; here the
 * stopped thread owns everything it touches (its reader, its stream and its arrays, all thrown
 * away), so that risk does not arise, and the alternative is a thread spinning until the process ends.
 */
final class DecoderWatchdog {
    private DecoderWatchdog() { }

    /**
     * Seconds a decode may take: far beyond any real image's (a 100-megapixel JPEG 2000 decodes in
     * well under a minute); {@code -Dgradcam.decodeSeconds=N} sets it.
     */
    static long limitSeconds(long pixels) {
        return Long.getLong("gradcam.decodeSeconds", 60 + pixels / 2_000_000);
    }

    @SuppressWarnings({"deprecation", "removal"})
    static <T> T run(Callable<T> work, long seconds, String what) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "decode-watched");
        t.setDaemon(true);
        t.start();
        t.join(seconds * 1000);
        if (t.isAlive()) {
            t.stop();
            t.join(5000);
            throw new DicomException(String.format(Locale.ROOT, "%s did not finish within %d s: the compressed data is damaged", what, seconds));
        }
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] instanceof Error e) throw e;
        @SuppressWarnings("unchecked") T r = (T) result[0];
        return r;
    }
}
