package dev.gradcamviewer.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self-check's verdict is remembered per CPU and libtorch, and a remembered verdict sets the engine as the check did. */
class CheckCacheTest {
    @AfterAll
    static void restore() {
        EnginePaths.restoreGuard();
    }

    @Test
    void aRememberedVerdictIsUsedAndSetsTheSameEnginePath() {
        String version = TorchEngine.libtorchVersion();
        TorchEngine.resetForTest(true);
        GradientSelfCheck.Report fresh = TorchEngine.gradientCheck(true);
        boolean oneDnnAfterCheck = TorchEngine.oneDnnEnabled();
        Path file = CheckCache.file(version).orElseThrow(() -> new AssertionError("this Linux CPU should be nameable"));
        assertTrue(Files.isRegularFile(file), "the verdict was saved in " + file);

        TorchEngine.resetForTest(!oneDnnAfterCheck); // the switch the other way: the remembered verdict must put it back
        GradientSelfCheck.Report remembered = TorchEngine.gradientCheck();
        assertEquals(fresh.outcome(), remembered.outcome());
        assertEquals(oneDnnAfterCheck, TorchEngine.oneDnnEnabled());
        assertTrue(remembered.findings().get(remembered.findings().size() - 1).startsWith("(remembered"), remembered.findings().toString());
        assertEquals(fresh.findings(), remembered.findings().subList(0, fresh.findings().size()));
    }

    @Test
    void aDamagedEntryMeansCheckingAgain() throws Exception {
        String version = TorchEngine.libtorchVersion();
        Path file = CheckCache.file(version).orElseThrow();
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{ not json");
        assertTrue(CheckCache.load(version).isEmpty());
        TorchEngine.resetForTest(true);
        GradientSelfCheck.Report r = TorchEngine.gradientCheck();
        assertTrue(r.findings().stream().noneMatch(f -> f.startsWith("(remembered")), "checked again: " + r.findings());
        assertTrue(CheckCache.load(version).isPresent(), "and remembered again");
    }
}
