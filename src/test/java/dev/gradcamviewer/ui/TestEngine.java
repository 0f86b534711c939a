package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.CamEngine;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The real engine behind a counter, optionally slowed down, to watch what the viewer asks of it. */
final class TestEngine implements CamEngine {
    private final CamEngine real = CamEngine.djl();
    final AtomicInteger passes = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile long delayMillis;
    /** Every answer given, in order, to check which ones the viewer has released. */
    final java.util.List<ExplainedImage> answers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final java.util.List<ModelBundle> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public ModelBundle open(Path model) throws BundleException {
        ModelBundle b = real.open(model);
        opened.add(b);
        return b;
    }

    /** Closes every model the viewers under test opened (closing twice is harmless). */
    void closeAll() {
        opened.forEach(ModelBundle::close);
        opened.clear();
    }

    @Override
    public ExplainedImage explain(ModelBundle model, Path image, int target, Score score) throws ImageDecodeException, BundleException {
        inFlight.incrementAndGet();
        try {
            if (delayMillis > 0) Thread.sleep(delayMillis);
            passes.incrementAndGet();
            ExplainedImage answer = real.explain(model, image, target, score);
            answers.add(answer);
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted");
        } finally {
            inFlight.decrementAndGet();
        }
    }
}
