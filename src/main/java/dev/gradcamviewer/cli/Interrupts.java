package dev.gradcamviewer.cli;

import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a batch: instead of the JVM exiting under libtorch's feet
 * (which crashed it in libtorch now and then), the first signal asks the command to stop after the
 * image in flight, write what it has, free the model and exit 130 or 143; a second one ends the
 * process at once.
 */
final class Interrupts {
    private static volatile int signal;
    private static volatile HaltWork beforeHalt;

    /** What must still be done when the process is stopped at once (the summary of what was made). */
    interface HaltWork {
        void run() throws Exception;
    }

    private Interrupts() { }

    static void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (signal != 0) halt(128 + s.getNumber());
                    signal = s.getNumber();
                    System.err.println("gradcam-viewer: stopping after the current image (" + (name.equals("INT") ? "Ctrl-C" : "SIGTERM")
                            + "); press Ctrl-C again to stop at once");
                });
            } catch (IllegalArgumentException e) {
                // a signal this platform does not have (Windows has no TERM of this kind)
            }
        }
    }

    /** Work for a stop at once: run before the process halts, bounded to a few seconds. */
    static void beforeHalt(HaltWork work) { beforeHalt = work; }

    /**
     * Ends the process at once, after removing the temporary files of writes cut short and running
     * the command's {@link #beforeHalt} work (a summary of what was made), for at most five seconds.
     */
    private static void halt(int code) {
        Thread last = new Thread(() -> {
            try {
                HaltWork work = beforeHalt;
                if (work != null) work.run();
            } catch (Exception | Error e) {
                System.err.println("gradcam-viewer: could not write the summary before stopping: " + CliSupport.message(e));
            }
        }, "halt");
        last.setDaemon(true);
        last.start();
        try {
            last.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dev.gradcamviewer.files.AtomicFile.deleteTemporaries();
        Runtime.getRuntime().halt(code);
    }

    /** A stop asked for while the command waited for a read. */
    static final class Stopped extends Exception {
        Stopped() { super("not done: interrupted"); }
    }

    /** Waits for {@code work} (an image's read), but not past a stop: a slow read never holds Ctrl-C or SIGTERM back. */
    static <T> T await(java.util.concurrent.Future<T> work) throws Stopped, InterruptedException, java.util.concurrent.ExecutionException {
        while (true) {
            try {
                return work.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (requested()) {
                    work.cancel(true);
                    throw new Stopped();
                }
            }
        }
    }

    /** True once a stop was asked for. */
    static boolean requested() { return signal != 0; }

    /** The exit code a stopped command returns: 128 + the signal's number. */
    static int exitCode() { return 128 + signal; }
}
