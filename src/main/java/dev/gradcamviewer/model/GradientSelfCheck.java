package dev.gradcamviewer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares float32 convolution input gradients with float64 ones for shapes known to go wrong, and
 * decides whether CAMs can be trusted: if they disagree, oneDNN is switched off and the check runs
 * again; if they still disagree, CAMs are refused (predictions are unaffected).
 */
public final class GradientSelfCheck {
    /** Largest accepted max|g32 - g64| relative to max|g64|; float32 rounding gives about 1e-6. */
    public static final double TOLERANCE = 1e-3;

    public enum Outcome { PASSED, PASSED_WITH_ONEDNN_OFF, PASSED_WITH_ONEDNN_CHOSEN_OFF, FAILED }

    public record Report(Outcome outcome, List<String> findings) {
        public boolean camsAllowed() { return outcome != Outcome.FAILED; }

        public String summary() {
            return switch (outcome) {
                case PASSED -> "gradient self-check passed";
                case PASSED_WITH_ONEDNN_OFF -> "gradient self-check failed with oneDNN on and passed with it off; oneDNN is off";
                case PASSED_WITH_ONEDNN_CHOSEN_OFF -> "gradient self-check passed with oneDNN off, as chosen (-Dgradcam.onednn=off)";
                case FAILED -> "gradient self-check failed even with oneDNN off: this machine's libtorch computes wrong"
                        + " gradients, so CAMs are not shown (predictions still work)";
            };
        }
    }

    /** One case's comparison: relative error, or NaN when the float32 gradient holds NaN or infinity. */
    public static double relativeError(double[] single, double[] reference) {
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < reference.length; i++) {
            if (!Double.isFinite(single[i])) return Double.NaN;
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
            maxDiff = Math.max(maxDiff, Math.abs(single[i] - reference[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /** Runs all cases once; adds one finding per case. */
    static boolean agrees(ConvGradient gradient, List<ConvCase> cases, List<String> findings, String state) {
        boolean all = true;
        for (ConvCase c : cases) {
            double err = relativeError(gradient.inputGradient(c, false), gradient.inputGradient(c, true));
            boolean ok = !Double.isNaN(err) && err <= TOLERANCE;
            all &= ok;
            findings.add(String.format("%s, %s: relative error %s -> %s", state, c.label(),
                    Double.isNaN(err) ? "NaN" : String.format("%.2e", err), ok ? "ok" : "WRONG"));
        }
        return all;
    }

    /** The check when oneDNN was switched off before it ran (by the user's choice). */
    public static Report runWithOneDnnOff(ConvGradient gradient, List<ConvCase> cases) {
        List<String> findings = new ArrayList<>();
        if (agrees(gradient, cases, findings, "oneDNN off (chosen)")) return new Report(Outcome.PASSED_WITH_ONEDNN_CHOSEN_OFF, findings);
        return new Report(Outcome.FAILED, findings);
    }

    public static Report run(ConvGradient gradient, List<ConvCase> cases, Runnable disableOneDnn) {
        List<String> findings = new ArrayList<>();
        if (agrees(gradient, cases, findings, "oneDNN on")) return new Report(Outcome.PASSED, findings);
        disableOneDnn.run();
        if (agrees(gradient, cases, findings, "oneDNN off")) return new Report(Outcome.PASSED_WITH_ONEDNN_OFF, findings);
        return new Report(Outcome.FAILED, findings);
    }
}
