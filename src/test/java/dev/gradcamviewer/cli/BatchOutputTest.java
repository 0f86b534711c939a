package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch results land on the right input, nothing is overwritten or lost, and every failure is named. */
class BatchOutputTest extends CapturedConsole {
    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void sameNamesInSeveralFoldersEachGetTheirOwnResult(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("patient1"));
        Files.createDirectories(in.resolve("patient2"));
        Files.copy(Fixtures.sample("phantom-01-pneumonia.png"), in.resolve("patient1/chest.png"));
        Files.copy(Fixtures.sample("phantom-02-normal.png"), in.resolve("patient2/chest.png"));
        Files.copy(Fixtures.sample("phantom-04-normal-landscape.jpg"), in.resolve("patient2/chest.jpg"));
        Files.writeString(in.resolve("patient2/broken.png"), "not a png");
        Path o = dir.resolve("out");
        assertEquals(1, GradcamCommand.execute("explain", "--out", o.toString(), in.toString()), err());
        // in path order chest.jpg comes first and keeps the plain name; chest.png then gets its extension
        assertEquals(List.of(Path.of("patient1/chest.resnet_blocks.4.gradcam.png"), Path.of("patient2/chest.resnet_blocks.4.gradcam.png"),
                Path.of("patient2/chest_png.resnet_blocks.4.gradcam.png"), Path.of("summary.csv")), files(o));
        List<String> rows = Files.readAllLines(o.resolve("summary.csv"));
        assertEquals("file,output,predicted,probability,target,layer,method,milliseconds,status", rows.get(0));
        assertEquals(5, rows.size(), "every input has a row, the broken one too: " + rows);
        assertTrue(rows.stream().anyMatch(r -> r.startsWith(in.resolve("patient2/chest.jpg") + ",patient2/chest.resnet_blocks.4.gradcam.png,Normal,")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith(in.resolve("patient1/chest.png") + ",patient1/chest.resnet_blocks.4.gradcam.png,Pneumonia,")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith(in.resolve("patient2/chest.png") + ",patient2/chest_png.resnet_blocks.4.gradcam.png,Normal,")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith(in.resolve("patient2/broken.png") + ",") && r.contains("failed: ")), rows.toString());
    }

    /** The first image is decoded while the model loads: when its pixels turn out unreadable, that is still its own row. */
    @Test
    void aFirstImageWhosePixelsCannotBeReadFailsAloneThoughDecodedAhead(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        byte[] png = Files.readAllBytes(Fixtures.sample("phantom-01-pneumonia.png"));
        // the signature and header of a 1024 x 1024 PNG (so it is small enough to be decoded ahead), then a corrupt data chunk
        java.io.ByteArrayOutputStream bad = new java.io.ByteArrayOutputStream();
        bad.write(png, 0, 33);
        bad.write(new byte[] {0, 0, 0, 100, 'I', 'D', 'A', 'T'});
        for (int i = 0; i < 104; i++) bad.write(i);
        bad.write(png, png.length - 12, 12);
        Files.write(in.resolve("0-bad.png"), bad.toByteArray());
        Files.copy(Fixtures.sample("phantom-02-normal.png"), in.resolve("1-good.png"));
        Path out = dir.resolve("out");
        int code = GradcamCommand.execute("explain", "--out", out.toString(), in.toString());
        assertEquals(1, code, err());
        List<String> rows = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(1).startsWith(in.resolve("0-bad.png") + ",") && rows.get(1).contains("failed: 0-bad.png is not a readable image"), rows.get(1));
        assertTrue(rows.get(2).startsWith(in.resolve("1-good.png") + ",") && rows.get(2).endsWith(",ok"), rows.get(2));
        assertTrue(Files.exists(out.resolve("1-good.resnet_blocks.4.gradcam.png")));
    }

    /** --png chooses between speed and size only: the same pixels either way; an unknown choice is refused before anything is written. */
    @Test
    void pngSmallAndFastHoldTheSamePixels(@TempDir Path dir) throws Exception {
        Path image = Fixtures.sample("phantom-03-pneumonia-portrait.png");
        Path fast = dir.resolve("fast");
        Path small = dir.resolve("small");
        assertEquals(0, GradcamCommand.execute("explain", "--out", fast.toString(), image.toString()), err());
        assertEquals(0, GradcamCommand.execute("explain", "--png", "small", "--out", small.toString(), image.toString()), err());
        String name = "phantom-03-pneumonia-portrait.resnet_blocks.4.gradcam.png";
        var a = ImageIO.read(fast.resolve(name).toFile());
        var b = ImageIO.read(small.resolve(name).toFile());
        int w = a.getWidth();
        int h = a.getHeight();
        assertArrayEquals(a.getRGB(0, 0, w, h, null, 0, w), b.getRGB(0, 0, w, h, null, 0, w));
        assertTrue(Files.size(small.resolve(name)) < Files.size(fast.resolve(name)),
                Files.size(small.resolve(name)) + " bytes small against " + Files.size(fast.resolve(name)) + " fast");
        Path refused = dir.resolve("refused");
        assertEquals(2, GradcamCommand.execute("explain", "--png", "tiny", "--out", refused.toString(), image.toString()));
        assertTrue(err().contains("unknown --png 'tiny' (fast or small)"), err());
        assertFalse(Files.exists(refused.resolve(name)));
    }

    @Test
    void aTapNameNeverWritesOutsideOut(@TempDir Path dir) throws Exception {
        Path o = dir.resolve("a/b/c/out");
        int code = GradcamCommand.execute("explain", "--model", Fixtures.bad("evil-tap-name.pt").toString(), "--out", o.toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(0, code, err());
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.filter(Files::isRegularFile).toList();
        }
        assertTrue(all.stream().allMatch(p -> p.startsWith(o)), all.toString());
        assertEquals(2, all.size(), all.toString());
    }

    @Test
    void anOutThatCannotBeWrittenIsSaidBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("a-file"), "x");
        int code = GradcamCommand.execute("explain", "--out", blocker.resolve("out").toString(), Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(2, code);
        assertTrue(err().contains("--out " + blocker.resolve("out") + " cannot be written to"), err());
        assertFalse(err().contains("[1/"), "no image was worked on: " + err());
    }

    @Test
    void aFolderWithoutImagesAndAMissingFileAreNamed(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "nothing to see");
        int code = GradcamCommand.execute("predict", empty.toString(), dir.resolve("missing.png").toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(1, code);
        assertTrue(err().contains(empty + ": no image found in this folder"), err());
        assertTrue(err().contains(dir.resolve("missing.png") + ": no such file or folder"), err());
        assertEquals(2, out().strip().split("\n").length, "the readable image still has its row");
    }

    @Test
    void anImageNamedLikeAnOptionIsAnImage(@TempDir Path dir) throws Exception {
        Path odd = Files.copy(Fixtures.sample("phantom-01-pneumonia.png"), dir.resolve("-x.png"));
        int code = GradcamCommand.execute("predict", odd.toString().startsWith("/") ? "-x.png" : odd.toString());
        // relative to the working folder "-x.png" does not exist here: it must be named as a file, not as an unknown option
        assertEquals(1, code);
        assertTrue(err().contains("-x.png: no such file or folder (nor an option of this command)"), err());
        err.reset();
        assertEquals(0, GradcamCommand.execute("predict", odd.toString()), err());
    }

    @Test
    void aModelsOwnErrorReachesTheUser() {
        int code = GradcamCommand.execute("predict", "--model", Fixtures.bad("raises.pt").toString(), Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(2, code);
        assertTrue(err().contains("this model refuses every input"), err());
    }

    @Test
    void aSidewaysPhotoIsExplainedUprightAndATruncatedOneIsFlagged(@TempDir Path dir) throws Exception {
        Path decoding = Fixtures.dir().resolve("decoding");
        Path o = dir.resolve("out");
        int code = GradcamCommand.execute("explain", "--out", o.toString(), decoding.resolve("upright.jpg").toString(),
                decoding.resolve("exif6.jpg").toString(), decoding.resolve("truncated.jpg").toString());
        assertEquals(1, code, "a truncated input makes the run fail: " + err());
        java.awt.image.BufferedImage overlay = javax.imageio.ImageIO.read(o.resolve("exif6.resnet_blocks.4.gradcam.png").toFile());
        assertEquals(900, overlay.getWidth());
        assertEquals(1200, overlay.getHeight());
        List<String> rows = Files.readAllLines(o.resolve("summary.csv"));
        String upright = rows.stream().filter(r -> r.contains("upright.jpg")).findFirst().orElseThrow();
        String turned = rows.stream().filter(r -> r.contains("exif6.jpg")).findFirst().orElseThrow();
        double pUpright = Double.parseDouble(upright.split(",")[3]);
        double pTurned = Double.parseDouble(turned.split(",")[3]);
        assertEquals(pUpright, pTurned, 0.02, "the same picture, stored sideways: " + rows);
        assertTrue(turned.contains("orientation tag (6)"), turned);
        String cut = rows.stream().filter(r -> r.contains("truncated.jpg")).findFirst().orElseThrow();
        assertTrue(cut.contains("WARNING: the file is truncated"), cut);
        assertTrue(err().contains("truncated.jpg: warning: the file is truncated"), err());
    }

    @Test
    void predictShowsProgressForSeveralImages() {
        assertEquals(0, GradcamCommand.execute("predict", Fixtures.sample("phantom-01-pneumonia.png").toString(),
                Fixtures.sample("phantom-02-normal.png").toString()), err());
        assertTrue(err().contains("[1/2]") && err().contains("[2/2]"), err());
    }
}
