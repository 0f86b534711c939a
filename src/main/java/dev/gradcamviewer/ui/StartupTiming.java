package dev.gradcamviewer.ui;

import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long the first CAM took to reach the screen after the process started: logged once, and with
 * {@code -Dgradcam.startupBenchmark=true} printed and the viewer closed (for measuring cold and
 * warm starts of the installed app).
 */
final class StartupTiming {
    private static final Logger LOG = LoggerFactory.getLogger(StartupTiming.class);
    private static final AtomicBoolean SHOWN = new AtomicBoolean();

    private StartupTiming() { }

    /** A step of the start-up, logged (debug) with the time since the process started, until the first CAM is shown. */
    static void mark(String step) {
        if (!SHOWN.get() && LOG.isDebugEnabled()) LOG.debug("start-up: {} at {} ms", step, System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    static void firstCamShown() {
        if (!SHOWN.compareAndSet(false, true)) return;
        long now = System.currentTimeMillis();
        long ms = now - ManagementFactory.getRuntimeMXBean().getStartTime();
        LOG.info("first CAM on screen {} ms after the process started", ms);
        if (Boolean.getBoolean("gradcam.startupBenchmark")) {
            // the wall-clock time too, so that a script can count from its own launch (a launcher may run before Java starts)
            System.out.println("first CAM on screen " + ms + " ms after the process started, at " + now + " ms since the epoch");
            System.out.flush();
            Platform.runLater(() -> Runtime.getRuntime().halt(0));
        }
    }
}
