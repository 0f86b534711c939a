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

    /**
     * By id ("gradcam") or display name ("Grad-CAM"), ignoring case and dashes; an id may end in
     * "-eigensmooth" and then "-augsmooth", as {@link #smoothed} names its methods.
     */
    public static Optional<CamMethod> byName(String name) {
        String key = normal(name);
        for (String suffix : List.of("augsmooth", "eigensmooth")) {
            if (key.endsWith(suffix) && key.length() > suffix.length()) {
                Optional<CamMethod> inner = byName(key.substring(0, key.length() - suffix.length()));
                if (inner.isEmpty()) return inner;
                try {
                    return Optional.of(suffix.equals("augsmooth") ? smoothed(inner.get(), false, true) : smoothed(inner.get(), true, false));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return java.util.stream.Stream.concat(ALL.stream(), WITH_MODEL_PASSES.stream()).filter(m -> normal(m.id()).equals(key) || normal(m.displayName()).equals(key)).findFirst();
    }

    /** pytorch-grad-cam's eigen_smooth applies to the methods that weigh activations (by channel or by cell). */
    public static boolean eigenSmoothable(CamMethod m) {
        return !(m instanceof MapMethod) && !m.needsModelPasses();
    }

    /** aug_smooth applies to every method made from one pass (it makes six). */
    public static boolean augSmoothable(CamMethod m) {
        return !m.needsModelPasses();
    }

    /** The method with eigen-smooth and then aug-smooth, as asked; refused where they do not apply. */
    public static CamMethod smoothed(CamMethod m, boolean eigen, boolean aug) {
        CamMethod out = eigen ? new EigenSmooth(m) : m;
        return aug ? new AugSmooth(out) : out;
    }

    /** The method a smoothed one smooths (itself when not smoothed). */
    public static CamMethod unsmoothed(CamMethod m) {
        if (m instanceof AugSmooth a) return unsmoothed(a.inner());
        if (m instanceof EigenSmooth e) return unsmoothed(e.inner());
        return m;
    }

    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("+", "p").replace(" ", "");
    }
}
