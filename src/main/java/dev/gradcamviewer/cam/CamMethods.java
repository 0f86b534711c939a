package dev.gradcamviewer.cam;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The methods, in the order users see them: the five gradient-weighted ones, element-wise Grad-CAM,
 * the two principal-component ones, and the random baseline.
 */
public final class CamMethods {
    public static final List<CamMethod> ALL = List.of(new GradCam(), new GradCamPlusPlus(), new XGradCam(), new LayerCam(),
            new HiResCam(), new GradCamElementWise(), new EigenCam(), new EigenGradCam(), new RandomCam());

    /** Methods whose weights need further passes of the model: the command line has them. */
    public static final List<CamMethod> WITH_MODEL_PASSES = List.of(ScoreCam.METHOD, AblationCam.METHOD);

    /** What the viewer offers: every method, those with model passes last. */
    public static final List<CamMethod> FOR_VIEWER = java.util.stream.Stream.concat(ALL.stream(), WITH_MODEL_PASSES.stream()).toList();

    private CamMethods() { }

    /** By id ("gradcam") or display name ("Grad-CAM"), ignoring case and dashes. */
    public static Optional<CamMethod> byName(String name) {
        String key = normal(name);
        return java.util.stream.Stream.concat(ALL.stream(), WITH_MODEL_PASSES.stream()).filter(m -> normal(m.id()).equals(key) || normal(m.displayName()).equals(key)).findFirst();
    }

    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("+", "p").replace(" ", "");
    }
}
