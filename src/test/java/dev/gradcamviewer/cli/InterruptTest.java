package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C or SIGTERM in the middle of a batch, as a user or a job scheduler sends it, twice each:
 * the command stops after the image in flight, summary.csv lists every input (the rest as not
 * done), the exit code is 128 + the signal, stdout has nothing but CSV, and the JVM does not crash.
 */
class InterruptTest {
    @ParameterizedTest(name = "{0} during explain, try {1}")
    @CsvSource({"TERM, 1", "TERM, 2", "INT, 1", "INT, 2"})
    void aSignalStopsExplainCleanly(String signal, int attempt, @TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        List<Path> samples;
        try (Stream<Path> s = Files.list(Fixtures.root().resolve("models/samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        for (int copy = 0; copy < 6; copy++) {
            for (Path sample : samples) Files.copy(sample, in.resolve(copy + "-" + sample.getFileName()));
        }
        int total = 6 * samples.size();
        Process p = HungModelTest.start(dir, "explain", "--out", dir.resolve("out").toString(), in.toString());
        Path err = dir.resolve("stderr.txt");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.readString(err).contains("[" + (2 + attempt) + "/" + total + "]")) {
            assertTrue(p.isAlive(), "ended early: " + Files.readString(err));
            assertTrue(System.currentTimeMillis() < deadline, "no progress: " + Files.readString(err));
            Thread.sleep(50);
        }
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        int code = HungModelTest.finish(p, 60);
        String stderr = Files.readString(err);
        assertEquals(signal.equals("TERM") ? 143 : 130, code, stderr);
        List<String> rows = Files.readAllLines(dir.resolve("out/summary.csv"));
        assertEquals(total + 1, rows.size(), "every input has a row");
        long done = rows.stream().filter(r -> r.endsWith(",ok")).count();
        long notDone = rows.stream().filter(r -> r.endsWith(",not done: interrupted")).count();
        assertTrue(done >= 2 && done + notDone == total, done + " done, " + notDone + " not done: " + rows);
        assertFalse(stderr.contains("fatal error") || stderr.contains("SIGSEGV"), stderr);
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "a crash log was written");
        }
        assertEquals("", Files.readString(dir.resolve("stdout.txt")), "explain writes nothing to stdout");
    }

    /** Ctrl-C in the middle of an atlas: what was aggregated so far is written, marked partial, and every input is listed. */
    @org.junit.jupiter.api.Test
    void aSignalDuringAtlasWritesTheAtlasSoFarMarkedPartial(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int copy = 0; copy < 40; copy++) Files.copy(Fixtures.sample("phantom-01-pneumonia.png"), in.resolve(copy + ".png"));
        Process p = HungModelTest.start(dir, "atlas", "--out", dir.resolve("out").toString(), in.toString());
        Path err = dir.resolve("stderr.txt");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.readString(err).contains("[4/40]")) {
            assertTrue(p.isAlive() && System.currentTimeMillis() < deadline, Files.readString(err));
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertEquals(130, HungModelTest.finish(p, 60), Files.readString(err));
        var atlas = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("out/atlas.json").toFile());
        assertTrue(atlas.get("partial").asBoolean(), atlas.toString());
        int done = atlas.get("images_done").asInt();
        assertTrue(done >= 3 && done < 40, "the images done before the stop: " + done);
        assertEquals(40, atlas.get("images").asInt(), "every input is counted");
        List<String> rows = Files.readAllLines(dir.resolve("out/images.csv"));
        assertEquals(1 + 2 * done + (40 - done), rows.size(), "two methods' rows per image done, one per image not done: " + rows);
        assertTrue(Files.readString(dir.resolve("out/report.html")).contains("Partial:"), "the report says so");
    }

    /** A second Ctrl-C stops at once, and still leaves a whole summary.csv listing every input and no temporary file. */
    @org.junit.jupiter.api.Test
    void aSecondCtrlCStopsAtOnceLeavingASummaryAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int copy = 0; copy < 30; copy++) Files.copy(Fixtures.sample("phantom-05-pneumonia-large.png"), in.resolve(copy + ".png"));
        Process p = HungModelTest.start(dir, "explain", "--out", dir.resolve("out").toString(), in.toString());
        Path err = dir.resolve("stderr.txt");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.readString(err).contains("[3/30]")) {
            assertTrue(p.isAlive() && System.currentTimeMillis() < deadline, Files.readString(err));
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        Thread.sleep(30);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertEquals(130, HungModelTest.finish(p, 60), Files.readString(err));
        List<String> rows = Files.readAllLines(dir.resolve("out/summary.csv"));
        assertEquals(31, rows.size(), "every input has a row: " + rows);
        assertTrue(rows.stream().skip(1).allMatch(r -> r.endsWith(",ok") || r.contains("not done:")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.endsWith("not done: stopped at once (a second Ctrl-C)")), "written by the stop at once: " + rows);
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @ParameterizedTest(name = "{0} during predict")
    @CsvSource({"TERM", "INT"})
    void aSignalStopsPredictWithOnlyCsvOnStdout(String signal, @TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int copy = 0; copy < 40; copy++) Files.copy(Fixtures.sample("phantom-02-normal.png"), in.resolve(copy + ".png"));
        Process p = HungModelTest.start(dir, "predict", in.toString());
        Path err = dir.resolve("stderr.txt");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.readString(err).contains("[3/40]")) {
            assertTrue(p.isAlive() && System.currentTimeMillis() < deadline, Files.readString(err));
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertEquals(signal.equals("TERM") ? 143 : 130, HungModelTest.finish(p, 60), Files.readString(err));
        List<String> lines = Files.readAllLines(dir.resolve("stdout.txt"));
        assertEquals("file,predicted,probability,p_Normal,p_Pneumonia", lines.get(0));
        assertTrue(lines.size() >= 3 && lines.size() < 41, lines.size() + " lines");
        assertTrue(lines.stream().skip(1).allMatch(l -> l.matches(".*\\.png,Normal,[0-9.]+,[0-9.]+,[0-9.]+")), lines.toString());
    }
}
