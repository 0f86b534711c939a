package dev.gradcamviewer.app;

/** What a failure says, in one line, for a row, a log line or the status bar. */
public final class Failures {
    private Failures() { }

    /** The exception's message up to its first line break; its class's name when it has none. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
