package dev.gradcamviewer.ui;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long work on the model's thread lets a short task through between its batches, and the short task runs once. */
class ModelTurnsTest {
    @Test
    void aShortTaskQueuedBehindLongWorkRunsBetweenItsBatchesOnItsThreadAndOnlyOnce() throws Exception {
        ModelTurns turns = new ModelTurns();
        ExecutorService model = LatestOnly.thread("model");
        try {
            CountDownLatch longStarted = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            AtomicReference<String> ranOn = new AtomicReference<>();
            AtomicInteger batchesBeforeIt = new AtomicInteger(-1);
            Future<Integer> longWork = model.submit(() -> {
                longStarted.countDown();
                var stop = turns.lettingThrough(() -> false);
                for (int batch = 0; batch < 400; batch++) {
                    stop.getAsBoolean();
                    if (runs.get() > 0) {
                        batchesBeforeIt.compareAndSet(-1, batch);
                        return batch;
                    }
                    Thread.sleep(10);
                }
                return -1;
            });
            assertTrue(longStarted.await(10, TimeUnit.SECONDS));
            Future<?> shortTurn = model.submit(turns.once(() -> {
                runs.incrementAndGet();
                ranOn.set(Thread.currentThread().getName());
            }));
            assertTrue(longWork.get(10, TimeUnit.SECONDS) >= 0, "the long work saw the short task run between its batches");
            shortTurn.get(10, TimeUnit.SECONDS);
            assertEquals(1, runs.get(), "its own turn came later and did not run it again");
            assertEquals("model", ranOn.get());
        } finally {
            model.shutdownNow();
        }
    }

    @Test
    void withoutLongWorkAShortTaskRunsInItsTurn() throws Exception {
        ModelTurns turns = new ModelTurns();
        ExecutorService model = LatestOnly.thread("model");
        try {
            AtomicInteger runs = new AtomicInteger();
            model.submit(turns.once(runs::incrementAndGet)).get(10, TimeUnit.SECONDS);
            turns.letThrough();
            assertEquals(1, runs.get());
        } finally {
            model.shutdownNow();
        }
    }
}
