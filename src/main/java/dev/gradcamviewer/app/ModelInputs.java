package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.GrayLevels;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.imaging.PreprocessSpec;
import dev.gradcamviewer.imaging.Preprocessor;
import dev.gradcamviewer.imaging.Voi;
import dev.gradcamviewer.model.Manifest;

import java.util.List;

/**
 * Joins a model's manifest to the imaging steps: which gray levels of a DICOM image the model sees
 * (the manifest's dicom_window rule) and the preprocessing that the manifest asks for.
 */
public final class ModelInputs {
    private ModelInputs() { }

    public static PreprocessSpec specOf(Manifest.InputSpec in) {
        List<Integer> crop = in.centerCrop();
        return new PreprocessSpec(in.channels(), in.resize() == null ? 0 : in.resize(),
                crop == null ? in.height() : crop.get(0), crop == null ? in.width() : crop.get(1),
                toFloats(in.mean()), toFloats(in.std()), "bicubic".equals(in.interpolation()));
    }

    public static Preprocessed preprocess(DecodedImage image, Manifest.InputSpec in) throws ImageDecodeException {
        return preprocessed(forModel(image, in), in);
    }

    /** The image as displayed (window {@code voi}, inverted or not): "explain as displayed". */
    public static Preprocessed preprocessAsDisplayed(DecodedImage image, Voi voi, boolean invert, Manifest.InputSpec in)
            throws ImageDecodeException {
        if (image.levels() == null) return preprocess(image, in);
        return preprocessed(image.withPlanes(new float[][] {image.levels().render(voi, invert)}), in);
    }

    /** The image with the gray levels the model's rule picks, for a DICOM image; any other image as it is. */
    public static DecodedImage forModel(DecodedImage image, Manifest.InputSpec in) {
        if (!image.isDicom() || image.levels() == null) return image;
        Voi voi = modelVoi(image.levels(), in.dicomWindowRule());
        if (voi == image.levels().defaultVoi()) return image;
        return image.withPlanes(new float[][] {image.levels().render(voi, false)});
    }

    /** The value-of-interest transform the rule names, for these gray levels. */
    public static Voi modelVoi(GrayLevels levels, Manifest.DicomWindow rule) {
        return switch (rule.rule()) {
            case "full-range" -> new Voi.Range(levels.min(), levels.max(), "the image's full range");
            case "fixed" -> Voi.Window.linear(rule.center(), rule.width(), "the model's fixed window");
            default -> levels.defaultVoi();
        };
    }

    /** For the model panel: "the file's first window, else its full range", say. */
    /**
     * The preprocessing a bundle records, in one line for the model panel, so that a wrong one can
     * be seen: "Input 3x224x224: shorter side to 256, centre crop 224x224, bicubic; mean 0.485 0.456 0.406, std 0.229 0.224 0.225".
     */
    public static String describe(Manifest.InputSpec in) {
        List<Integer> crop = in.centerCrop();
        String resize = in.resize() == null || in.resize() == 0 ? "no resize" : "shorter side to " + in.resize();
        String cropText = crop == null ? "no crop" : "centre crop " + crop.get(1) + "x" + crop.get(0);
        return String.format(java.util.Locale.ROOT, "Input %dx%dx%d: %s, %s, %s; mean %s, std %s", in.channels(), in.width(), in.height(),
                resize, cropText, in.interpolation() == null ? "bilinear" : in.interpolation(), numbers(in.mean()), numbers(in.std()));
    }

    private static String numbers(List<Double> values) {
        return String.join(" ", values.stream().map(v -> new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString()).toList());
    }

    public static String describe(Manifest.DicomWindow rule) {
        return switch (rule.rule()) {
            case "full-range" -> "DICOM: the image's full range (lowest to highest value), MONOCHROME1 inverted";
            case "fixed" -> "DICOM: a fixed window, " + Voi.Window.linear(rule.center(), rule.width(), "").values() + ", MONOCHROME1 inverted";
            default -> "DICOM: the file's first window (else its VOI LUT, else its full range), MONOCHROME1 inverted";
        };
    }

    private static Preprocessed preprocessed(DecodedImage image, Manifest.InputSpec in) throws ImageDecodeException {
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
