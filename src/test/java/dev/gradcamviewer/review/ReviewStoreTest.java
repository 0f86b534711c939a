package dev.gradcamviewer.review;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewStoreTest {
    static ReviewEntry entry(String image, Verdict v, String note) {
        return new ReviewEntry(image, "ab12", v, note, "2026-11-28T12:00:00Z", "demo", "5aec", "base_model.4", "gradcam", "Pneumonia");
    }

    @Test
    void verdictsSurviveReopening(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        ReviewStore store = ReviewStore.open(file);
        store.put(entry("a.png", Verdict.AGREE, "clear"));
        store.put(entry("b.png", Verdict.DISAGREE, "lesion missed, \"left\" lung"));
        store.put(entry("a.png", Verdict.UNSURE, "changed my mind"));
        ReviewStore again = ReviewStore.open(file);
        assertNull(again.setAsideMessage());
        assertEquals(2, again.entries().size());
        assertEquals(Verdict.UNSURE, again.get("a.png").orElseThrow().verdict());
        assertEquals("lesion missed, \"left\" lung", again.get("b.png").orElseThrow().note());
        assertEquals("base_model.4", again.get("b.png").orElseThrow().layer());
    }

    @Test
    void aCrashBetweenWriteAndRenameLeavesTheOldFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        ReviewStore store = ReviewStore.open(file);
        store.put(entry("a.png", Verdict.AGREE, "first"));
        String before = Files.readString(file);
        store.beforeRename = tmp -> {
            assertTrue(Files.size(tmp) > 0, "the new content was written to the temporary file");
            throw new IOException("simulated crash");
        };
        ReviewException e = assertThrows(ReviewException.class, () -> store.put(entry("b.png", Verdict.DISAGREE, "second")));
        assertTrue(e.getMessage().contains("simulated crash"));
        assertEquals(before, Files.readString(file));
        assertTrue(store.get("b.png").isEmpty(), "memory is rolled back too");
        ReviewStore again = ReviewStore.open(file);
        assertNull(again.setAsideMessage());
        assertEquals(1, again.entries().size());
        // a temporary file left by a real crash is ignored
        Files.writeString(dir.resolve("." + ReviewLocation.FILE_NAME + ".123.tmp"), "{half");
        assertEquals(1, ReviewStore.open(file).entries().size());
    }

    @Test
    void anUnreadableFileIsKeptAsideNotOverwritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        Files.writeString(file, "{\"format\": \"gradcam-viewer-review\", \"entries\": [ {\"image\": ");
        ReviewStore store = ReviewStore.open(file);
        assertTrue(store.setAsideMessage().contains("could not be read"), store.setAsideMessage());
        assertTrue(store.entries().isEmpty());
        List<Path> aside;
        try (Stream<Path> s = Files.list(dir)) {
            aside = s.filter(p -> p.getFileName().toString().startsWith(ReviewLocation.FILE_NAME + ".unreadable-")).toList();
        }
        assertEquals(1, aside.size());
        assertTrue(Files.readString(aside.get(0)).startsWith("{\"format\": \"gradcam-viewer-review\", \"entries\": [ {\"image\": "));
        store.put(entry("c.png", Verdict.AGREE, ""));
        assertEquals(1, ReviewStore.open(file).entries().size());
        assertTrue(Files.exists(aside.get(0)));
    }

    /** A writer process killed at random moments always leaves a readable file. */
    @Test
    void killingTheWriterAtAnyMomentLeavesAReadableFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        Random rnd = new Random(3);
        int readable = 0;
        for (int round = 0; round < 6; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ReviewWriterMain.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                assertEquals("ready", r.readLine());
                Thread.sleep(150 + rnd.nextInt(400));
                p.destroyForcibly();
                p.waitFor();
            }
            ReviewStore store = ReviewStore.open(file);
            assertNull(store.setAsideMessage(), "after kill " + round + " the file must be whole");
            if (!store.entries().isEmpty()) readable++;
        }
        assertTrue(readable >= 5, "the writer saved verdicts before it was killed");
    }

    @Test
    void csvHasEveryVerdictQuoted() {
        String csv = ReviewCsv.text(List.of(entry("a.png", Verdict.AGREE, "ok"), entry("b,c.png", Verdict.DISAGREE, "says \"no\"\nsecond line")));
        String[] lines = csv.split("\r\n");
        assertEquals(ReviewCsv.HEADER, lines[0]);
        assertTrue(lines[1].startsWith("a.png,ab12,agree,ok,"));
        assertTrue(csv.contains("\"b,c.png\",ab12,disagree,\"says \"\"no\"\"\nsecond line\""), csv);
    }

    @Test
    void reviewsGoBesideTheImagesOrIntoAppData(@TempDir Path dir) {
        Path images = dir.resolve("scans");
        Path appData = dir.resolve("appdata");
        assertEquals(images.resolve(ReviewLocation.FILE_NAME), ReviewLocation.forFolder(images, appData, p -> true));
        Path elsewhere = ReviewLocation.forFolder(images, appData, p -> false);
        assertTrue(elsewhere.startsWith(appData.resolve("reviews")), elsewhere.toString());
        assertTrue(elsewhere.getFileName().toString().startsWith("scans-"));
        assertEquals(elsewhere, ReviewLocation.forFolder(images, appData, p -> false), "the same folder maps to the same file");
    }
}
