package dev.gradcamviewer.ui;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Short work on the model's thread (the worklist's predictions, a tenth of a second each) that long
 * work there (faithfulness scores, Score-CAM: seconds, in batches) lets through between its batches,
 * so that the worklist keeps filling while a map is being measured. Each short task runs once: in
 * its own turn on the thread, or earlier, let through; either way on the model's thread.
 */
final class ModelTurns {
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    /** The task as it is to be given to the model's thread; until then long work may run it. */
    Runnable once(Runnable task) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable runOnce = () -> {
            if (done.compareAndSet(false, true)) task.run();
        };
        waiting.add(runOnce);
        return () -> {
            waiting.remove(runOnce);
            runOnce.run();
        };
    }

    /** Runs the short tasks waiting, on the calling thread (the model's, between two batches). */
    void letThrough() {
        for (Runnable r; (r = waiting.poll()) != null; ) r.run();
    }

    /** A long task's "should I stop?" that lets the waiting short tasks through each time it is asked. */
    BooleanSupplier lettingThrough(BooleanSupplier stop) {
        return () -> {
            letThrough();
            return stop.getAsBoolean();
        };
    }
}
