package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;

import java.nio.file.Path;

/**
 * What the viewer asks of the model, on one worker thread: open a model, run one pass for an
 * image. An interface so that the viewer can be tested with a slow or counting stand-in.
 */
public interface CamEngine extends AutoCloseable {
    /** Opens a model; the previous one stays in use if this fails. */
    ModelBundle open(Path model) throws BundleException;

    /** One forward+backward pass with every tap for this image and target (-1: predicted). */
    ExplainedImage explain(ModelBundle model, Path image, int target, Score score) throws ImageDecodeException, BundleException;

    /**
     * The same pass with the model given the image through the display's window ({@code voi},
     * inverted or not) instead of its model's DICOM rule: "explain as displayed".
     */
    default ExplainedImage explainAsDisplayed(ModelBundle model, Path image, dev.gradcamviewer.imaging.Voi voi, boolean invert,
                                              int target, Score score) throws ImageDecodeException, BundleException {
        dev.gradcamviewer.imaging.DecodedImage decoded = dev.gradcamviewer.imaging.ImageDecoder.decode(image);
        return new Explainer(model).explain(image, decoded, ModelInputs.preprocessAsDisplayed(decoded, voi, invert, model.manifest().input()),
                target, score, null);
    }

    /** Prediction only (no gradients) of an image already decoded, for filling a worklist. */
    default dev.gradcamviewer.model.Prediction predict(ModelBundle model, dev.gradcamviewer.imaging.DecodedImage image)
            throws ImageDecodeException, BundleException {
        return model.predict(ModelInputs.preprocess(image, model.manifest().input()).tensor());
    }

    @Override
    default void close() { }

    /** The real engine: DJL through {@link ModelBundle}. */
    static CamEngine djl() {
        return new CamEngine() {
            @Override
            public ModelBundle open(Path model) throws BundleException {
                return ModelBundle.open(model);
            }

            @Override
            public ExplainedImage explain(ModelBundle model, Path image, int target, Score score)
                    throws ImageDecodeException, BundleException {
                return new Explainer(model).explain(image, target, score, null);
            }
        };
    }
}
