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

    private Interrupts() { }

    static void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (signal != 0) Runtime.getRuntime().halt(128 + s.getNumber());
                    signal = s.getNumber();
                    System.err.println("gradcam-viewer: stopping after the current image (" + (name.equals("INT") ? "Ctrl-C" : "SIGTERM")
                            + "); press Ctrl-C again to stop at once");
                });
            } catch (IllegalArgumentException e) {
                // a signal this platform does not have (Windows has no TERM of this kind)
            }
        }
    }

    /** True once a stop was asked for. */
    static boolean requested() { return signal != 0; }

    /** The exit code a stopped command returns: 128 + the signal's number. */
    static int exitCode() { return 128 + signal; }
}
