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
        return new ReviewEntry(image, "ab12", v, note, "2026-11-28T12:00:00Z", "demo", "5aec", "resnet_blocks.4", "gradcam", "Pneumonia", "tester@test");
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
        assertEquals("resnet_blocks.4", again.get("b.png").orElseThrow().layer());
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

    /** Three reviewers' processes saving at once into one folder: every verdict survives, current or in history. */
    @Test
    void severalProcessesWritingAtOnceLoseNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        int count = 40;
        List<Process> writers = new java.util.ArrayList<>();
        for (String name : List.of("ann", "bob", "cyd")) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SharedWriterMain.class.getName(), file.toString(), name, "" + count)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            writers.add(p);
        }
        for (Process p : writers) assertEquals("ready", new BufferedReader(new InputStreamReader(p.getInputStream())).readLine());
        for (Process p : writers) {
            p.getOutputStream().write("go\n".getBytes());
            p.getOutputStream().flush();
        }
        for (Process p : writers) {
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
        ReviewStore store = ReviewStore.open(file);
        assertNull(store.setAsideMessage());
        java.util.Set<String> notes = new java.util.HashSet<>();
        for (ReviewEntry e : store.entries()) {
            notes.add(e.note());
            store.history(e.image()).forEach(h -> notes.add(h.note()));
        }
        for (String name : List.of("ann", "bob", "cyd")) {
            for (int i = 0; i < count; i++) assertTrue(notes.contains(name + " " + i), name + "'s verdict " + i + " was lost");
        }
        assertEquals(3 * count / 2 + 5, store.entries().size());
    }

    @Test
    void twoWindowsOnOneFolderMergeAndSayWhatArrived(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        ReviewStore first = ReviewStore.open(file);
        ReviewStore second = ReviewStore.open(file);
        first.put(by("a.png", Verdict.AGREE, "2026-11-28T12:00:00Z", "ann@ws1"));
        List<String> notices = second.put(by("b.png", Verdict.DISAGREE, "2026-11-28T12:01:00Z", "bob@ws2"));
        assertEquals(List.of("ann@ws1 recorded agree for a.png."), notices);
        notices = second.put(by("a.png", Verdict.UNSURE, "2026-11-28T12:02:00Z", "bob@ws2"));
        assertTrue(notices.get(0).contains("replaces ann@ws1's (agree)"), notices.toString());
        notices = first.put(by("c.png", Verdict.AGREE, "2026-11-28T12:03:00Z", "ann@ws1"));
        assertTrue(notices.stream().anyMatch(n -> n.contains("bob@ws2's newer verdict on a.png (unsure)")), notices.toString());
        ReviewStore again = ReviewStore.open(file);
        assertEquals(Verdict.UNSURE, again.get("a.png").orElseThrow().verdict());
        assertEquals(List.of(Verdict.AGREE), again.history("a.png").stream().map(ReviewEntry::verdict).toList());
        assertEquals(3, again.entries().size());
    }

    static ReviewEntry by(String image, Verdict v, String time, String reviewer) {
        return new ReviewEntry(image, "ab12", v, "", time, "demo", "5aec", "resnet_blocks.4", "gradcam", "Pneumonia", reviewer);
    }

    @Test
    void savingKeepsTheFilesModeAndGroupAndANewFileFollowsTheUmask(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        Path probe = Files.createFile(dir.resolve("probe"));
        ReviewStore.open(file).put(entry("a.png", Verdict.AGREE, ""));
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(file), "a new file gets the umask's mode");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        ReviewStore.open(file).put(entry("b.png", Verdict.AGREE, ""));
        assertEquals("rw-rw-r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Files.readAttributes(probe, java.nio.file.attribute.PosixFileAttributes.class).group(),
                Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class).group());
    }

    @Test
    void aSymlinkedReviewFileIsWrittenThrough(@TempDir Path dir) throws Exception {
        Path team = Files.createDirectories(dir.resolve("team"));
        Path shared = team.resolve("shared-review.json");
        Path folder = Files.createDirectories(dir.resolve("scans"));
        Path link = Files.createSymbolicLink(folder.resolve(ReviewLocation.FILE_NAME), Path.of("../team/shared-review.json"));
        ReviewStore.open(link).put(entry("a.png", Verdict.AGREE, ""));
        ReviewStore.open(link).put(entry("b.png", Verdict.DISAGREE, ""));
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals(2, ReviewStore.open(shared).entries().size());
    }

    @Test
    void unknownFieldsAreKeptAndANewerVersionIsReadOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ReviewLocation.FILE_NAME);
        Files.writeString(file, "{\"format\": \"gradcam-viewer-review\", \"version\": 2, \"site\": \"ward 3\", \"entries\": ["
                + "{\"image\": \"a.png\", \"verdict\": \"AGREE\", \"time\": \"2026-11-28T12:00:00Z\", \"initials\": \"AB\"}]}");
        ReviewStore store = ReviewStore.open(file);
        assertNull(store.setAsideMessage());
        assertEquals(Verdict.AGREE, store.get("a.png").orElseThrow().verdict());
        store.put(entry("b.png", Verdict.DISAGREE, ""));
        String text = Files.readString(file);
        assertTrue(text.contains("\"site\" : \"ward 3\""), text);
        assertTrue(text.contains("\"initials\" : \"AB\""), text);

        Path newer = dir.resolve("newer.json");
        String newerText = "{\"format\": \"gradcam-viewer-review\", \"version\": 3, \"entries\": [{\"image\": \"a.png\", \"verdict\": \"AGREE\"}]}";
        Files.writeString(newer, newerText);
        ReviewStore readOnly = ReviewStore.open(newer);
        assertTrue(readOnly.readOnly());
        assertTrue(readOnly.setAsideMessage().contains("newer"), readOnly.setAsideMessage());
        assertEquals(1, readOnly.entries().size());
        assertThrows(ReviewException.class, () -> readOnly.put(entry("b.png", Verdict.AGREE, "")));
        assertEquals(newerText, Files.readString(newer), "never downgraded");
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
