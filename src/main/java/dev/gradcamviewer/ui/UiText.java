package dev.gradcamviewer.ui;

import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.Score;

/** Words the viewer shows for its choices, and an error as one line a user can read. */
final class UiText {
    private UiText() { }

    /** The first line of the innermost message that says something (not an executor's wrapper). */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static String scoreName(Score s) {
        return s == Score.LOGIT ? "Logit" : "Probability (article)";
    }

    static String placementName(Placement p) {
        return p == Placement.RECEPTIVE_FIELD ? "Receptive field" : "Resize (article)";
    }

}
