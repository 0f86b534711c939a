package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ExplainedImage;

import java.nio.file.Path;
import java.util.List;

/**
 * What an {@link ImageBatch} does with each image after the model's pass: the maps, on the model's
 * side, then the results (rows of a summary, an atlas's statistics) beside the next image's pass.
 */
interface ImageWork<R> {
    /** The maps this work needs, while the pass's tensors are live (the batch's main thread, one image at a time). */
    void maps(ExplainedImage ex) throws Exception;

    /**
     * The image's results, on a worker thread; never throws (a failure is the image's row) and may
     * be called for several images at once. {@code failures} counts an image that counts as failed.
     */
    List<R> results(Path file, ExplainedImage ex, long start, Runnable failure);

    /** The row of an image that has no output: {@code status} says why ("failed: ...", "not done: ..."). */
    R noOutput(Path file, long milliseconds, String status);
}
