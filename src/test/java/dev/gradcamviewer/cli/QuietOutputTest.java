package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command line run in its own JVM, as a user starts it, on the path the guard takes where
 * libtorch's oneDNN gradients are wrong (oneDNN off): nothing on stderr but our own progress
 * lines, in particular no "Could not initialize NNPACK!" per pass and no warning about the engine.
 */
class QuietOutputTest {
    private static String run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgradcam.onednn=off", "-Dgradcam.cache=" + System.getProperty("gradcam.cache", "target/test-cache"), "-cp", System.getProperty("java.class.path"), "dev.gradcamviewer.Main"));
        cmd.addAll(List.of(args));
        Path err = workDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectError(err.toFile())
                .redirectOutput(workDir.resolve("stdout.txt").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err));
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    @Test
    void explainWithOneDnnOffPrintsNoNnpackLineAndNoWarning(@TempDir Path dir) throws Exception {
        String err = run(dir, "explain", "--out", dir.resolve("out").toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString(), Fixtures.sample("phantom-02-normal.png").toString());
        assertFalse(err.contains("NNPACK"), err);
        assertFalse(err.contains("WARN"), err);
        assertFalse(err.contains("ERROR"), err);
        assertTrue(Files.exists(dir.resolve("out/summary.csv")));
    }

    /** layers prints a bundle's tree from its manifest: libtorch (unpacked into the DJL cache on first start) is not started. */
    @Test
    void layersDoesNotStartLibtorch(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("djl-cache");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgradcam.cache=" + System.getProperty("gradcam.cache", "target/test-cache"), "-cp", System.getProperty("java.class.path"), "dev.gradcamviewer.Main", "layers")
                .directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).redirectOutput(dir.resolve("stdout.txt").toFile());
        pb.environment().put("DJL_CACHE_DIR", cache.toString());
        pb.environment().put("ENGINE_CACHE_DIR", cache.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("stderr.txt")));
        String out = Files.readString(dir.resolve("stdout.txt"));
        assertTrue(out.contains("default layer: resnet_blocks.4"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("* ") && l.contains("(4): ResNetBlock")), out);
        assertFalse(Files.exists(cache), "libtorch was started (it unpacked itself into the cache)");
    }

    @Test
    void checkEngineSaysWhichPathItTook(@TempDir Path dir) throws Exception {
        run(dir, "check-engine");
        String out = Files.readString(dir.resolve("stdout.txt"));
        assertTrue(out.contains("oneDNN off for every pass (-Dgradcam.onednn=off); NNPACK off"), out);
        assertTrue(out.contains("as chosen"), out);
    }
}
