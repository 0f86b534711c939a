package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model that never answers is reported within the time limit; the command ends (in a JVM of its own: the hung thread spins on). */
class HungModelTest {
    static Process start(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgradcam.cache=" + System.getProperty("gradcam.cache", "target/test-cache"), "-cp", System.getProperty("java.class.path"), "dev.gradcamviewer.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    }

    static int finish(Process p, int seconds) throws Exception {
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        assertTrue(done, "the command did not end");
        return p.exitValue();
    }

    @Test
    void aPassThatNeverReturnsIsReportedAndTheBatchEnds(@TempDir Path dir) throws Exception {
        Process p = start(dir, "explain", "--timeout", "3", "--model", Fixtures.bad("hangs.pt").toString(), "--out", dir.resolve("out").toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString(), Fixtures.sample("phantom-02-normal.png").toString());
        assertEquals(1, finish(p, 90));
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertTrue(err.contains("the model did not answer within 3 s while explaining"), err);
        List<String> rows = Files.readAllLines(dir.resolve("out/summary.csv"));
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(2).contains("not done: the model hung on an earlier image"), rows.toString());
    }

    @Test
    void aLoadThatNeverReturnsIsReported(@TempDir Path dir) throws Exception {
        Process p = start(dir, "predict", "--timeout", "3", "--model", Fixtures.bad("hangs-loading.pt").toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(2, finish(p, 90));
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertTrue(err.contains("the model did not answer within 3 s while loading the model"), err);
    }
}
