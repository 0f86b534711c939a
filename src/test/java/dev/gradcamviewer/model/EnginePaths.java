package dev.gradcamviewer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The two engine paths, for tests that must see what every CPU sees: oneDNN on (what the guard keeps
 * where the self-check passes) and oneDNN off (what it switches to where libtorch's oneDNN gradient
 * bug shows).
 */
public final class EnginePaths {
    private static Boolean oneDnnRight;
    private static final List<String> FINDINGS = new ArrayList<>();

    private EnginePaths() { }

    /** Runs everything after this on the given path, as if the self-check had chosen it. */
    public static void force(boolean oneDnn) {
        TorchEngine.forceForTest(oneDnn);
    }

    /** Lets the self-check decide again, as the application does. */
    public static void restoreGuard() {
        TorchEngine.resetForTest(true);
        TorchEngine.gradientCheck();
    }

    /** Whether this CPU's oneDNN gives right float32 convolution input gradients for the self-check's shapes. */
    public static synchronized boolean oneDnnGradientsRight() {
        if (oneDnnRight == null) {
            TorchEngine.forceForTest(true);
            oneDnnRight = GradientSelfCheck.agrees(TorchEngine::convInputGradient, ConvCase.KNOWN_BAD, FINDINGS, "oneDNN on");
            restoreGuard();
        }
        return oneDnnRight;
    }

    public static synchronized List<String> oneDnnFindings() {
        oneDnnGradientsRight();
        return List.copyOf(FINDINGS);
    }
}
