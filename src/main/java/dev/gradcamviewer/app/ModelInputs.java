package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.imaging.PreprocessSpec;
import dev.gradcamviewer.imaging.Preprocessor;
import dev.gradcamviewer.model.Manifest;

import java.util.List;

/** Joins a model's manifest to the imaging steps: the preprocessing that the manifest asks for. */
public final class ModelInputs {
    private ModelInputs() { }

    public static PreprocessSpec specOf(Manifest.InputSpec in) {
        List<Integer> crop = in.centerCrop();
        return new PreprocessSpec(in.channels(), in.resize() == null ? 0 : in.resize(),
                crop == null ? in.height() : crop.get(0), crop == null ? in.width() : crop.get(1),
                toFloats(in.mean()), toFloats(in.std()));
    }

    public static Preprocessed preprocess(DecodedImage image, Manifest.InputSpec in) throws ImageDecodeException {
        Preprocessed p = Preprocessor.apply(image, specOf(in));
        if (p.height() != in.height() || p.width() != in.width()) {
            throw new ImageDecodeException("the model's preprocessing gives " + p.width() + "x" + p.height()
                    + " but the model takes " + in.width() + "x" + in.height());
        }
        return p;
    }

    private static float[] toFloats(List<Double> v) {
        float[] f = new float[v.size()];
        for (int i = 0; i < f.length; i++) f[i] = v.get(i).floatValue();
        return f;
    }
}
