package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.model.TorchEngine;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The viewer's engine at start-up: while the window is being built (about two seconds), a thread
 * of its own starts libtorch, runs the gradient self-check, opens the model the viewer will open
 * and explains the first image it will show (decoded meanwhile on another thread). The viewer's own requests then find the work done;
 * anything else goes to the plain engine, and a first explanation nobody asks for is released.
 */
public final class PrefetchingEngine implements CamEngine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrefetchingEngine.class);
    private final CamEngine real = CamEngine.djl();
    private final Path model;
    private final Path image;
    private final CompletableFuture<ModelBundle> bundle = new CompletableFuture<>();
    private final CompletableFuture<ExplainedImage> first = new CompletableFuture<>();
    private final AtomicBoolean bundleTaken = new AtomicBoolean();
    private final AtomicBoolean firstTaken = new AtomicBoolean();
    private volatile boolean startedWithOneThread;
    private final AtomicBoolean threadsRestored = new AtomicBoolean();

    /**
     * On the model's thread, before the viewer's own work: the prefetch is over (done or failed),
     * and libtorch gets every core again.
     */
    private void afterPrefetch() {
        try {
            first.join();
        } catch (CompletionException e) {
            // not prefetched: the viewer's request does the work itself
        }
        if (startedWithOneThread && threadsRestored.compareAndSet(false, true)) {
            TorchEngine.useThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    private PrefetchingEngine(Path model, Path image) {
        this.model = model;
        this.image = image;
    }

    /**
     * Starts the work for this model and (when not null) this first image, explained for its
     * predicted label with the logit score. Libtorch starts with one thread within an operation:
     * while the window is built, a second would only compete with JavaFX's for the cores (on two
     * cores the first CAM came 0.6 s later); the machine's count is restored when the viewer asks
     * for its first pass or prediction (unless the user chose a count).
     */
    public static PrefetchingEngine start(Path model, Path image) {
        PrefetchingEngine e = new PrefetchingEngine(model, image);
        e.startedWithOneThread = !TorchEngine.threadsChosenByUser();
        Thread t = new Thread(e::prefetch, "engine-prefetch");
        t.setDaemon(true);
        t.start();
        return e;
    }

    private void prefetch() {
        // the first image is decoded on a thread of its own while libtorch starts and the model loads
        DecodeAhead decoded = image == null ? null : DecodeAhead.start(image);
        try {
            if (startedWithOneThread) TorchEngine.useThreads(1); // starts libtorch, here off the launcher's thread
            TorchEngine.gradientCheck();
            // the first image's pass checks the model's outputs against its manifest (else a blank pass does)
            ModelBundle b = ModelBundle.openCheckingOnFirstPass(model);
            ExplainedImage ex = null;
            Exception firstFailed = new IllegalStateException("no first image");
            try {
                if (image != null) {
                    try {
                        ex = new Explainer(b).explain(image, decoded.image(), -1, Score.LOGIT, null);
                    } catch (ImageDecodeException | BundleException e) {
                        // the image's problem, or the request's (no logits): the viewer will meet it again and say so;
                        // a model that disagrees with its manifest is refused by the check below
                        firstFailed = e;
                    }
                }
                b.checkOutputs();
            } catch (BundleException | RuntimeException e) {
                if (ex != null) ex.close();
                b.close();
                throw e;
            }
            LOG.debug("prefetch: model open");
            bundle.complete(b);
            if (ex != null) first.complete(ex);
            else first.completeExceptionally(firstFailed);
            LOG.debug("prefetch: first image explained");
        } catch (Exception | Error e) {
            bundle.completeExceptionally(e);
            first.completeExceptionally(e);
        }
    }

    /** For tests: the first explanation made ahead, once done. */
    ExplainedImage prefetched() { return first.join(); }

    @Override
    public ModelBundle open(Path path) throws BundleException {
        if (path.equals(model) && bundleTaken.compareAndSet(false, true)) {
            try {
                return bundle.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof BundleException be) throw be;
                // anything else: the plain engine will say what is wrong
            }
        }
        return real.open(path);
    }

    @Override
    public ExplainedImage explain(ModelBundle m, Path file, int target, Score score) throws ImageDecodeException, BundleException {
        if (!firstTaken.getAndSet(true)) {
            afterPrefetch();
            boolean same = bundle.isDone() && !bundle.isCompletedExceptionally() && bundle.join() == m
                    && file.equals(image) && target < 0 && score == Score.LOGIT;
            try {
                ExplainedImage done = first.join();
                LOG.debug("prefetch: first explanation {}", same ? "used" : "not wanted");
                if (same) return done;
                done.close();
            } catch (CompletionException e) {
                // not prefetched: do it now
            }
        }
        return real.explain(m, file, target, score);
    }

    @Override
    public dev.gradcamviewer.model.Prediction predict(ModelBundle m, DecodedImage image) throws ImageDecodeException, BundleException {
        afterPrefetch();
        return real.predict(m, image);
    }
}
