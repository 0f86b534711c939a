package dev.gradcamviewer.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-check against the real libtorch. Where libtorch 2.7.1's oneDNN path gives wrong float32
 * convolution input gradients (seen on some AVX-512 CPUs), the check must find it and fix it by
 * switching oneDNN off; on a CPU without the bug it must pass with oneDNN on and off alike.
 */
class GradientGuardOnThisMachineTest {
    private static double worstError() {
        double worst = 0;
        for (ConvCase c : ConvCase.KNOWN_BAD) {
            double err = GradientSelfCheck.relativeError(TorchEngine.convInputGradient(c, false), TorchEngine.convInputGradient(c, true));
            worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
        }
        return worst;
    }

    @AfterAll
    static void leaveTheGuardInForce() {
        TorchEngine.resetForTest(true);
        TorchEngine.gradientCheck();
    }

    @Test
    void findsAndFixesWrongGradientsOrPassesBothWays() {
        TorchEngine.resetForTest(true);
        double withOneDnn = worstError();
        GradientSelfCheck.Report report = TorchEngine.gradientCheck();
        report.findings().forEach(System.out::println);
        System.out.printf("worst relative error with oneDNN on: %.3g; outcome %s%n", withOneDnn, report.outcome());
        assertTrue(report.camsAllowed(), report.summary());
        if (withOneDnn > GradientSelfCheck.TOLERANCE) {
            assertEquals(GradientSelfCheck.Outcome.PASSED_WITH_ONEDNN_OFF, report.outcome());
            assertFalse(TorchEngine.oneDnnEnabled());
            assertTrue(worstError() <= GradientSelfCheck.TOLERANCE, "the guard must make the gradients right");
        } else {
            assertEquals(GradientSelfCheck.Outcome.PASSED, report.outcome());
            assertTrue(TorchEngine.oneDnnEnabled());
            TorchEngine.resetForTest(false);
            assertFalse(TorchEngine.oneDnnEnabled());
            assertTrue(worstError() <= GradientSelfCheck.TOLERANCE, "float32 gradients without oneDNN must be right too");
        }
    }
}
