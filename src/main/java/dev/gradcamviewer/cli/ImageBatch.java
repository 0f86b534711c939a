package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.DecodeAhead;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.Explainer;
import dev.gradcamviewer.app.ModelInputs;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ImageFailedException;
import dev.gradcamviewer.model.Score;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Many images through the model as a pipeline: while the model runs image i on its thread, the next
 * image is decoded on another and the results of the previous ones (overlays, statistics) are made
 * on the workers. Results stay in input order. Images above {@link #PIPELINED_PIXELS} are taken one
 * at a time, so that at most one large image is in memory. What is done with each image is the
 * {@link ImageWork}'s; this class owns only the order, the failures and the stops.
 */
final class ImageBatch<R> {
    static final long PIPELINED_PIXELS = 16_000_000L;

    /** What the model's pass of every image is asked for; {@code targets}, when given, chooses each image's target instead of {@code target}. */
    record Pass(List<String> layers, int target, Score score, java.util.function.ToIntFunction<Path> targets) {
        Pass(List<String> layers, int target, Score score) {
            this(layers, target, score, null);
        }

        int targetOf(Path file) { return targets == null ? target : targets.applyAsInt(file); }
    }

    private final ModelRunner runner;
    private final Explainer explainer;
    private final Pass pass;
    private final ImageWork<R> work;
    private final int workers;
    private final ExecutorService decoder = CliSupport.daemonThread("decode");
    private final ExecutorService writer;
    private int failed;

    ImageBatch(ModelRunner runner, Pass pass, ImageWork<R> work, int workers) {
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1");
        this.runner = runner;
        this.explainer = new Explainer(runner.bundle());
        this.pass = pass;
        this.work = work;
        this.workers = workers;
        this.writer = workers == 1 ? CliSupport.daemonThread("write") : CliSupport.daemonThreads("write", workers);
    }

    synchronized int failed() { return failed; }

    /** Where the batch's time went, summed over images in nanoseconds (decode and results run beside the model's thread). */
    static final class Timings {
        final java.util.concurrent.atomic.AtomicLong decode = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong pass = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong maps = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong results = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger images = new java.util.concurrent.atomic.AtomicInteger();

        String describe(long wallNanos) {
            int n = Math.max(1, images.get());
            return String.format(java.util.Locale.ROOT, "%d images in %.1f s: %.1f images/s; per image: decode %.1f ms, pass %.1f ms, maps %.1f ms, "
                    + "statistics and files %.1f ms (decode and statistics run beside the model's thread)", images.get(), wallNanos / 1e9,
                    images.get() / (wallNanos / 1e9), decode.get() / 1e6 / n, pass.get() / 1e6 / n, maps.get() / 1e6 / n, results.get() / 1e6 / n);
        }
    }

    final Timings timings = new Timings();

    /** The first file decoded while the model loads, if it is small enough to hold meanwhile (else decoded in its turn). */
    static DecodeAhead decodeAhead(List<Path> files) {
        return files.isEmpty() ? null : DecodeAhead.startUpTo(files.get(0), PIPELINED_PIXELS);
    }

    /** Every file's rows in input order (model errors other than one image's propagate). */
    List<R> run(List<Path> files) throws Exception {
        List<R> rows = java.util.Collections.synchronizedList(new ArrayList<>());
        run(files, null, rows);
        return rows;
    }

    /** An image whose results are still being made, and the rows they will give. */
    private record Pending<R>(Path file, Future<List<R>> rows) { }

    private final Deque<Pending<R>> writing = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile List<Path> inputs = List.of();
    private volatile int current;

    /**
     * The same, the first file already being decoded by {@link #decodeAhead}; the rows go into
     * {@code rows} as they are made, so that whatever stops the batch (a model that fails, an error
     * of the JVM's) leaves every result already made in them, its files whole on disk.
     */
    void run(List<Path> files, DecodeAhead firstAhead, List<R> rows) throws Exception {
        inputs = files;
        Future<Prepared> next = firstAhead == null || files.isEmpty() ? null : decodeLater(files.get(0), firstAhead);
        try {
            for (int i = 0; i < files.size(); i++) {
                current = i;
                Path file = files.get(i);
                Future<Prepared> decoded = next != null ? next : decodeLater(file);
                next = null;
                if (Interrupts.requested() || runner.hung()) {
                    decoded.cancel(true);
                    countFailure();
                    drain(rows);
                    rows.add(work.noOutput(file, 0, Interrupts.requested() ? "not done: interrupted" : "not done: the model hung on an earlier image"));
                    continue;
                }
                if (files.size() > 1) System.err.printf("[%d/%d] %s%n", i + 1, files.size(), PathNames.shown(file));
                long start = System.nanoTime();
                ExplainedImage ex;
                try {
                    Prepared prepared = Interrupts.await(decoded);
                    DecodedImage image = prepared.image();
                    if (i + 1 < files.size() && small(files.get(i + 1)) && small(image)) next = decodeLater(files.get(i + 1));
                    else drain(rows); // a large image: nothing else in memory meanwhile
                    ex = explain(file, prepared);
                } catch (BundleException e) {
                    if (!(e instanceof ImageFailedException)) throw e;
                    addFailed(rows, failedRow(file, start, e));
                    continue;
                } catch (Interrupts.Stopped e) {
                    countFailure();
                    addFailed(rows, work.noOutput(file, (System.nanoTime() - start) / 1_000_000, "not done: interrupted"));
                    continue;
                } catch (ExecutionException e) {
                    addFailed(rows, failedRow(file, start, e.getCause() != null ? e.getCause() : e));
                    continue;
                } catch (Exception | StackOverflowError | OutOfMemoryError e) {
                    addFailed(rows, failedRow(file, start, e));
                    continue;
                }
                drain(rows, workers);
                ExplainedImage done = ex;
                writing.add(new Pending<>(file, writer.submit(() -> {
                    long t0 = System.nanoTime();
                    List<R> made = work.results(file, done, start, this::countFailure);
                    timings.results.addAndGet(System.nanoTime() - t0);
                    timings.images.incrementAndGet();
                    return made;
                })));
            }
            current = files.size();
        } finally {
            if (next != null) next.cancel(true);
            decoder.shutdownNow();
            try {
                drain(rows); // what was made before any stop is written whole and listed
            } finally {
                writer.shutdown();
            }
        }
    }

    /** The model's pass and the maps of one prepared image (the model's thread). */
    private ExplainedImage explain(Path file, Prepared prepared) throws Exception {
        ExplainedImage ex;
        try {
            long t0 = System.nanoTime();
            ex = runner.call("explaining " + file, () -> explainer.explain(file, prepared.image(), prepared.input(), pass.targetOf(file), pass.score(), pass.layers()));
            timings.pass.addAndGet(System.nanoTime() - t0);
        } catch (Exception e) {
            requireModelAgrees();
            throw e;
        }
        try {
            long t0 = System.nanoTime();
            work.maps(ex);
            timings.maps.addAndGet(System.nanoTime() - t0);
            return ex;
        } catch (Exception | Error e) {
            if (!runner.hung()) ex.close(); // a pass still running on it keeps its tensors
            throw e;
        }
    }

    /**
     * Every input's row as far as the batch has got, for a stop that cannot wait (a second Ctrl-C):
     * the rows made, then {@code status} for images whose results are still being made and for
     * every image not yet done.
     */
    List<R> rowsSoFar(List<R> rows, String status) {
        List<R> out;
        synchronized (rows) {
            out = new ArrayList<>(rows);
        }
        java.util.Set<Path> listed = new java.util.HashSet<>();
        for (Pending<R> p : writing) {
            out.add(work.noOutput(p.file(), 0, status));
            listed.add(p.file());
        }
        List<Path> files = inputs;
        for (int i = current; i < files.size(); i++) {
            if (!listed.contains(files.get(i))) out.add(work.noOutput(files.get(i), 0, status));
        }
        return out;
    }

    /**
     * The model was opened for its first explaining pass to check its outputs against the manifest:
     * when a pass fails before that, a blank pass tells a model that disagrees (refused, as at open)
     * from an image the model cannot take (that image's failure).
     */
    private void requireModelAgrees() throws Exception {
        if (!runner.hung()) runner.call("checking the model against its manifest", () -> {
            runner.bundle().checkOutputs();
            return null;
        });
    }

    private static boolean small(Path file) {
        long n = ImageDecoder.pixelCount(file);
        return n >= 0 && n <= PIPELINED_PIXELS;
    }

    private static boolean small(DecodedImage image) {
        return (long) image.width() * image.height() <= PIPELINED_PIXELS && image.step() == 1;
    }

    /** An image decoded and made into the model's input, off the model's thread. */
    private record Prepared(DecodedImage image, Preprocessed input) { }

    private Future<Prepared> decodeLater(Path file) {
        return decodeLater(file, null);
    }

    /** The same, taking the image from {@code ahead} when it decoded it (else decoding it here). */
    private Future<Prepared> decodeLater(Path file, DecodeAhead ahead) {
        return decoder.submit(() -> {
            long t0 = System.nanoTime();
            DecodedImage image = ahead != null ? ahead.image() : null;
            if (image == null) image = ImageDecoder.decode(file);
            Prepared p = new Prepared(image, ModelInputs.preprocess(image, runner.bundle().manifest().input()));
            timings.decode.addAndGet(System.nanoTime() - t0);
            return p;
        });
    }

    /** Waits for the oldest results until at most {@code keep} are pending, adding their rows in order. */
    private void drain(List<R> rows, int keep) throws InterruptedException {
        while (writing.size() > keep) {
            try {
                rows.addAll(writing.peekFirst().rows().get());
                writing.removeFirst();
            } catch (ExecutionException e) {
                writing.removeFirst();
                throw new IllegalStateException("making an image's results failed unexpectedly: " + CliSupport.message(e.getCause()), e.getCause());
            }
        }
    }

    private void drain(List<R> rows) throws InterruptedException {
        drain(rows, 0);
    }

    /**
     * A failed image's row, made (and timed) before it waits for the results still being made
     * ahead of it, so that its milliseconds are its own.
     */
    private void addFailed(List<R> rows, R failedRow) throws InterruptedException {
        drain(rows);
        rows.add(failedRow);
    }

    private synchronized void countFailure() { failed++; }

    private R failedRow(Path file, long start, Throwable e) {
        countFailure();
        System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": " + CliSupport.message(e));
        return work.noOutput(file, (System.nanoTime() - start) / 1_000_000, "failed: " + CliSupport.message(e));
    }
}
