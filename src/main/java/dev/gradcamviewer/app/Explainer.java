package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.model.Score;

import java.nio.file.Path;
import java.util.Collection;

/** Decode, preprocess and run one model pass: an image becomes an {@link ExplainedImage}. */
public final class Explainer {
    private final ModelBundle bundle;

    public Explainer(ModelBundle bundle) { this.bundle = bundle; }

    public ModelBundle bundle() { return bundle; }

    /** Target -1: the predicted label. {@code layers} null: every tapped layer. */
    public ExplainedImage explain(Path file, int target, Score score, Collection<String> layers)
            throws ImageDecodeException, BundleException {
        return explain(file, ImageDecoder.decode(file), target, score, layers);
    }

    public ExplainedImage explain(Path file, DecodedImage image, int target, Score score, Collection<String> layers)
            throws ImageDecodeException, BundleException {
        return explain(file, image, ModelInputs.preprocess(image, bundle.manifest().input()), target, score, layers);
    }

    /** With the model input already made from {@code image} (a batch prepares it beside the model's work). */
    public ExplainedImage explain(Path file, DecodedImage image, Preprocessed input, int target, Score score, Collection<String> layers)
            throws BundleException {
        PassResult pass;
        if (bundle.hasManifest()) {
            pass = bundle.explain(input.tensor(), target, score, layers);
        } else {
            // a plain TorchScript file: prediction only, no layers to explain
            long start = System.nanoTime();
            Prediction p = bundle.predict(input.tensor());
            pass = PassResult.predictionOnly(p, target < 0 ? p.predicted() : target, score, (System.nanoTime() - start) / 1_000_000);
        }
        return new ExplainedImage(file, image, input, pass, bundle.manifest().taps());
    }
}
