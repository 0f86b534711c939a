package dev.gradcamviewer.app;

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
 * and explains the first image it will show. The viewer's own requests then find the work done;
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

    private PrefetchingEngine(Path model, Path image) {
        this.model = model;
        this.image = image;
    }

    /** Starts the work for this model and (when not null) this first image, explained for its predicted label with the logit score. */
    public static PrefetchingEngine start(Path model, Path image) {
        PrefetchingEngine e = new PrefetchingEngine(model, image);
        Thread t = new Thread(e::prefetch, "engine-prefetch");
        t.setDaemon(true);
        t.start();
        return e;
    }

    private void prefetch() {
        try {
            TorchEngine.gradientCheck();
            ModelBundle b = ModelBundle.open(model);
            LOG.debug("prefetch: model open");
            bundle.complete(b);
            if (image != null) first.complete(new Explainer(b).explain(image, -1, Score.LOGIT, null));
            else first.completeExceptionally(new IllegalStateException("no first image"));
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
}
