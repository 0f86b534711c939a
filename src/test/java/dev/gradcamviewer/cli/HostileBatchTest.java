package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.files.FolderLock;
import dev.gradcamviewer.files.FolderLockHolderMain;
import dev.gradcamviewer.imaging.dicom.DicomBytes;
import dev.gradcamviewer.imaging.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One bad file never costs another's result (issue 27): hostile files between good images fail
 * alone with their reasons, the good images' overlays and rows are all there; a second run into a
 * folder in use is refused naming the first; a refused run touches nothing; names with line breaks
 * stay one CSV record.
 */
class HostileBatchTest extends CapturedConsole {
    @TempDir
    Path dir;

    private Path hostileFiles(List<Path> into) throws Exception {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        byte[] px = new byte[64 * 64 * 2];
        Path nested = bad.resolve("nested.dcm");
        Files.write(nested, DicomBytes.file(TransferSyntax.EXPLICIT_LE.uid, DicomBytes.image(64, 64, 16).nested(2000).nativePixels(px).bytes()));
        Path bomb = bad.resolve("bomb.dcm");
        Files.write(bomb, DicomBytes.file(TransferSyntax.DEFLATED_LE.uid, DicomBytes.deflate(
                DicomBytes.image(64, 64, 16).claimed(0x00091010, "OB", 0xFFFFFFF0L, new byte[0]).bytes(), 1L << 30)));
        Path fifo = bad.resolve("x.png");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        into.addAll(List.of(nested, bomb, fifo));
        return bad;
    }

    @Test
    void hostileFilesBetweenGoodImagesFailAloneAndEveryResultStays() throws Exception {
        List<Path> bad = new ArrayList<>();
        hostileFiles(bad);
        Path good1 = Fixtures.sample("phantom-01-pneumonia.png");
        Path good2 = Fixtures.sample("phantom-02-normal.png");
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("explain", "--out", out.toString(), good1.toString()));
        bad.forEach(b -> args.add(b.toString()));
        args.add(good2.toString());
        int code = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> GradcamCommand.execute(args.toArray(String[]::new)));
        assertEquals(1, code, err());
        List<String> rows = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(1 + 5, rows.size(), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith(good1 + ",") && r.endsWith(",ok")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith(good2 + ",") && r.endsWith(",ok")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("nested.dcm") && r.contains("nested more than 64 deep")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("bomb.dcm") && r.contains("more than 64 MB of attributes")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("x.png") && r.contains("a FIFO (named pipe), not a regular file")), rows.toString());
        for (String stem : List.of("phantom-01-pneumonia", "phantom-02-normal")) {
            assertNotNull(ImageIO.read(out.resolve(stem + ".resnet_blocks.4.gradcam.png").toFile()), stem);
        }
        assertFalse(err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void predictGoesOnPastHostileFiles() throws Exception {
        List<Path> bad = new ArrayList<>();
        hostileFiles(bad);
        List<String> args = new ArrayList<>(List.of("predict", Fixtures.sample("phantom-01-pneumonia.png").toString()));
        bad.forEach(b -> args.add(b.toString()));
        args.add(Fixtures.sample("phantom-02-normal.png").toString());
        int code = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> GradcamCommand.execute(args.toArray(String[]::new)));
        assertEquals(1, code);
        assertEquals(3, out().strip().lines().count(), out()); // the header and the two good images
        assertTrue(err().contains("x.png: is a FIFO (named pipe), not a regular file"), err());
        assertTrue(err().contains("nested more than 64 deep") && err().contains("more than 64 MB of attributes"), err());
    }

    @Test
    void aSecondRunIntoAFolderInUseIsRefusedNamingTheFirstAndAStaleLockIsTakenOver() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FolderLockHolderMain.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", said.readLine());
            int code = GradcamCommand.execute("explain", "--out", out.toString(), Fixtures.sample("phantom-02-normal.png").toString());
            assertEquals(2, code, err());
            assertTrue(err().contains("is being written by another run (pid " + holder.pid()), err());
            assertFalse(Files.exists(out.resolve("summary.csv")), "the refused run wrote nothing");
        } finally {
            holder.destroyForcibly(); // a killed run: its lock file stays, the system's lock goes
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(out.resolve(FolderLock.NAME)));
        err.reset();
        assertEquals(0, GradcamCommand.execute("explain", "--out", out.toString(), Fixtures.sample("phantom-02-normal.png").toString()), err());
        assertTrue(err().contains("took over the lock left by a run that ended"), err());
        assertTrue(Files.exists(out.resolve("summary.csv")));
        assertFalse(Files.exists(out.resolve(FolderLock.NAME)), "released and removed at the end");
    }

    @Test
    void aRefusedRunTouchesNothing() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        byte[] earlier = "file,output\nearlier,run\n".getBytes(StandardCharsets.UTF_8);
        Files.write(out.resolve("summary.csv"), earlier);
        assertEquals(2, GradcamCommand.execute("explain", "--layer", "nope", "--out", out.toString(),
                Fixtures.sample("phantom-02-normal.png").toString()), err());
        assertArrayEquals(earlier, Files.readAllBytes(out.resolve("summary.csv")));
        try (var files = Files.list(out)) {
            assertEquals(List.of("summary.csv"), files.map(p -> p.getFileName().toString()).toList());
        }
        Path fresh = dir.resolve("fresh");
        assertEquals(2, GradcamCommand.execute("explain", "--model", dir.resolve("no-such.pt").toString(), "--out", fresh.toString(),
                Fixtures.sample("phantom-02-normal.png").toString()), err());
        assertFalse(Files.exists(fresh), "a folder made for a refused run is removed");
    }

    @Test
    void aNameWithALineBreakStaysOneCsvRecord() throws Exception {
        Path odd = dir.resolve("a\rb,\"c\n.png");
        Files.copy(Fixtures.sample("phantom-02-normal.png"), odd);
        Path out = dir.resolve("out");
        assertEquals(0, GradcamCommand.execute("explain", "--out", out.toString(), odd.toString()), err());
        List<List<String>> records = Rfc4180.parse(Files.readString(out.resolve("summary.csv")));
        assertEquals(2, records.size(), records.toString());
        assertEquals(odd.toString(), records.get(1).get(0));
        assertEquals(records.get(0).size(), records.get(1).size());
    }

    /**
     * A name with a byte that is not UTF-8 (Latin-1 'ÿ', made by the shell): found in its folder and
     * given as an argument (which reaches Java with U+FFFD in its place), it is read and explained,
     * and summary.csv shows it by its bytes ({@code x\xFFy.png}).
     */
    @Test
    void aNameThatIsNotUtf8IsReadByItsBytes() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("latin1"));
        Process cp = new ProcessBuilder("sh", "-c", "cp \"$0\" \"$(printf 'x\\377y.png')\"", Fixtures.sample("phantom-02-normal.png").toString())
                .directory(folder.toFile()).start();
        assertEquals(0, cp.waitFor());
        Path out = dir.resolve("out");
        assertEquals(0, GradcamCommand.execute("explain", "--out", out.toString(), folder.toString()), err());
        assertEquals(0, GradcamCommand.execute("explain", "--out", dir.resolve("out2").toString(), folder.resolve("x\uFFFDy.png").toString()), err());
        for (Path o : List.of(out, dir.resolve("out2"))) {
            List<String> rows = Files.readAllLines(o.resolve("summary.csv"));
            assertEquals(2, rows.size(), rows.toString());
            assertTrue(rows.get(1).endsWith(",ok"), rows.toString());
            assertTrue(rows.get(1).startsWith(folder.toAbsolutePath() + "/x\\xFFy.png,"), "shown by its bytes: " + rows.get(1));
        }
    }

    /** A strict reader of RFC 4180 text, to read back what was written. */
    static final class Rfc4180 {
        static List<List<String>> parse(String text) {
            List<List<String>> records = new ArrayList<>();
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    record.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n') {
                    record.add(field.toString());
                    field.setLength(0);
                    records.add(record);
                    record = new ArrayList<>();
                } else {
                    field.append(c);
                }
            }
            return records;
        }
    }
}
