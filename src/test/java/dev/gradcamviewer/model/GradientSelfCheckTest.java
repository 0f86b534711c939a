package dev.gradcamviewer.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self-check's decisions, with fake gradients standing in for libtorch. */
class GradientSelfCheckTest {
    private static final List<ConvCase> CASES = List.of(new ConvCase("a", 1, 2, 1, 4, 3, 1), new ConvCase("b", 1, 2, 3, 4, 3, 1));
    private static final double[] RIGHT = {1.0, -2.0, 0.5, 3.0};
    private static final double[] WRONG = {1.0, -2.0, 0.9, 3.0};

    @Test
    void agreeingGradientsPassWithOneDnnOn() {
        AtomicInteger disabled = new AtomicInteger();
        GradientSelfCheck.Report r = GradientSelfCheck.run((c, dbl) -> RIGHT.clone(), CASES, disabled::incrementAndGet);
        assertEquals(GradientSelfCheck.Outcome.PASSED, r.outcome());
        assertEquals(0, disabled.get());
        assertTrue(r.camsAllowed());
        assertEquals(2, r.findings().size());
    }

    @Test
    void aDisagreementSwitchesOneDnnOffAndChecksAgain() {
        AtomicBoolean oneDnn = new AtomicBoolean(true);
        ConvGradient buggyWithOneDnn = (c, dbl) -> dbl || !oneDnn.get() ? RIGHT.clone() : WRONG.clone();
        GradientSelfCheck.Report r = GradientSelfCheck.run(buggyWithOneDnn, CASES, () -> oneDnn.set(false));
        assertEquals(GradientSelfCheck.Outcome.PASSED_WITH_ONEDNN_OFF, r.outcome());
        assertFalse(oneDnn.get());
        assertTrue(r.camsAllowed());
        assertTrue(r.findings().get(0).contains("WRONG"), r.findings().get(0));
        assertTrue(r.findings().get(3).endsWith("ok"), r.findings().get(3));
    }

    @Test
    void aPersistentDisagreementRefusesCams() {
        GradientSelfCheck.Report r = GradientSelfCheck.run((c, dbl) -> dbl ? RIGHT.clone() : WRONG.clone(), CASES, () -> { });
        assertEquals(GradientSelfCheck.Outcome.FAILED, r.outcome());
        assertFalse(r.camsAllowed());
        assertTrue(r.summary().contains("not shown"));
    }

    @Test
    void nanIsADisagreement() {
        double[] nan = {1.0, Double.NaN, 0.5, 3.0};
        assertTrue(Double.isNaN(GradientSelfCheck.relativeError(nan, RIGHT)));
        GradientSelfCheck.Report r = GradientSelfCheck.run((c, dbl) -> dbl ? RIGHT.clone() : nan.clone(), CASES, () -> { });
        assertEquals(GradientSelfCheck.Outcome.FAILED, r.outcome());
    }

    @Test
    void relativeErrorIsScaledByTheReference() {
        assertEquals(0.4 / 3.0, GradientSelfCheck.relativeError(WRONG, RIGHT), 1e-12);
        assertEquals(0.0, GradientSelfCheck.relativeError(RIGHT, RIGHT));
    }
}
