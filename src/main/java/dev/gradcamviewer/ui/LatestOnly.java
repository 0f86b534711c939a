package dev.gradcamviewer.ui;

import javafx.application.Platform;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A single background thread whose answers reach the FX thread only while they are the newest:
 * submitting new work supersedes (and cancels, if not yet started) the previous one, and a stale
 * answer is dropped, never shown. Work is a plain callable, so it can be tested off the FX thread.
 * A dropped answer that holds resources ({@link AutoCloseable}) is closed, off the FX thread.
 */
final class LatestOnly {
    interface Work<T> {
        T call() throws Exception;
    }

    /** Work that stops early once it is superseded (it asks {@code superseded} between steps). */
    interface StoppableWork<T> {
        T call(java.util.function.BooleanSupplier superseded) throws Exception;
    }

    private final ExecutorService executor;
    private final AtomicLong generation = new AtomicLong();
    private Future<?> pending;

    private final ModelTurns turns;

    /** On the given executor (several LatestOnly may share one thread, each superseding only its own work). */
    LatestOnly(ExecutorService executor) {
        this(executor, null);
    }

    /** The same for short work that long work on that thread may let through earlier ({@link ModelTurns}). */
    LatestOnly(ExecutorService executor, ModelTurns turns) {
        this.executor = executor;
        this.turns = turns;
    }

    static ExecutorService thread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} after what is already running; delivers on the FX thread unless superseded. */
    synchronized <T> long submit(Work<T> work, Consumer<T> onResult, Consumer<Throwable> onError) {
        return submit(superseded -> work.call(), onResult, onError);
    }

    /** The same for work that can stop early: it is told when a newer request (or {@link #supersede}) came. */
    synchronized <T> long submit(StoppableWork<T> stoppable, Consumer<T> onResult, Consumer<Throwable> onError) {
        long id = generation.incrementAndGet();
        if (pending != null) pending.cancel(false);
        pending = enqueue(id, stoppable, onResult, onError);
        return id;
    }

    /**
     * Work queued after this object's other work of the same generation (several parts of one
     * request, each answered as it is done); all of it is dropped by the next {@link #submit} or
     * {@link #supersede}.
     */
    synchronized <T> void submitQueued(StoppableWork<T> stoppable, Consumer<T> onResult, Consumer<Throwable> onError) {
        enqueue(generation.get(), stoppable, onResult, onError);
    }

    private <T> Future<?> enqueue(long id, StoppableWork<T> stoppable, Consumer<T> onResult, Consumer<Throwable> onError) {
        Work<T> work = () -> stoppable.call(() -> generation.get() != id);
        Runnable task = () -> {
            if (generation.get() != id) return;
            T result;
            try {
                result = work.call();
            } catch (Throwable e) {
                Platform.runLater(() -> {
                    if (generation.get() == id) onError.accept(e);
                });
                return;
            }
            if (generation.get() != id) {
                closeIfHeld(result);
                return;
            }
            Platform.runLater(() -> {
                if (generation.get() == id) onResult.accept(result);
                else release(result);
            });
        };
        return executor.submit(turns == null ? task : turns.once(task));
    }

    /** Closes a dropped answer's resources on this object's thread (or here, if it has stopped). */
    private void release(Object result) {
        if (!(result instanceof AutoCloseable)) return;
        try {
            executor.execute(() -> closeIfHeld(result));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            closeIfHeld(result);
        }
    }

    private static void closeIfHeld(Object result) {
        if (result instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing more can be done for an answer nobody will see
            }
        }
    }

    /** Drops whatever is pending or running: its answer will not be delivered. */
    void supersede() { generation.incrementAndGet(); }
}
