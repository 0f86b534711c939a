package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest extends CapturedConsole {
    @Test
    void versionIsThePomsWithoutSnapshot() {
        assertEquals(0, GradcamCommand.execute("--version"));
        String expected = System.getProperty("gradcam.expected.version");
        assertEquals("Grad-CAM Viewer " + expected, out().strip());
        assertFalse(out().contains("SNAPSHOT"), out());
        assertEquals(expected, dev.gradcamviewer.app.AppVersion.get());
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String command : List.of("layers", "predict", "explain", "atlas", "check-engine", "bench", "selftest")) {
            out.reset();
            assertEquals(0, GradcamCommand.execute(command, "--help"), command + ": " + err());
            assertTrue(out().startsWith("Usage: gradcam-viewer " + command), command + ": " + out());
        }
    }

    /** The command list shows each command's first description line: a whole sentence, never cut mid-parenthesis. */
    @Test
    void theTopLevelHelpListsEachCommandInAWholeSentence() {
        assertEquals(0, GradcamCommand.execute("--help"));
        List<String> commands = out().lines().dropWhile(l -> !l.startsWith("Commands:")).skip(1).toList();
        List<String> entries = new java.util.ArrayList<>();
        for (String l : commands) {
            if (l.matches("  \\S.*")) entries.add(l.trim());
            else if (!entries.isEmpty() && !l.isBlank()) entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + l.trim());
        }
        assertTrue(entries.size() >= 7, "every command is listed: " + entries);
        for (String e : entries) {
            assertTrue(e.endsWith("."), e);
            assertEquals(e.chars().filter(c -> c == '(').count(), e.chars().filter(c -> c == ')').count(), e);
        }
    }

    @Test
    void layersMarksTappedLayersAndTheDefault() {
        assertEquals(0, GradcamCommand.execute("layers"));
        String text = out();
        assertTrue(text.contains("default layer: resnet_blocks.4"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("* ") && l.contains("(4): ResNetBlock") && l.contains("<- default layer")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  ") && l.contains("(0): Conv2d(256, 1, kernel_size=(8, 8)")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("* ") && l.contains("(conv1): Conv2d(3, 16")), text);
    }

    /**
     * The article's own class, exported from its source file: `layers` lists the article's printed
     * tree row for row (its closing brackets aside), marks and layer names added at the ends.
     */
    @Test
    void layersPrintsTheArticlesTreeRowForRow() throws Exception {
        Path bundle = Fixtures.dir().resolve("article").resolve("article-nf64.pt");
        assertEquals(0, GradcamCommand.execute("layers", "--model", bundle.toString()), err());
        List<String> printed = out().lines().filter(l -> !l.startsWith("#"))
                .map(l -> l.substring(2).replaceFirst("    (\\[[^]]*\\])?(    <- default layer)?$", "")).toList();
        List<String> article = Files.readAllLines(Fixtures.root().resolve("src/test/resources/trees/article-xray-nf64.txt")).stream()
                .filter(l -> !l.strip().equals(")")).map(l -> l.endsWith("(") ? l.substring(0, l.length() - 1) : l).toList();
        assertEquals(String.join("\n", article), String.join("\n", printed));
        assertEquals(59 - 13, printed.size()); // the article's 59 rows less its 13 closing brackets
        assertTrue(out().contains("default layer: resnet_blocks.4"), out());
        assertTrue(out().lines().anyMatch(l -> l.startsWith("* ") && l.contains("(4): ResNetBlock") && l.endsWith("[resnet_blocks.4]    <- default layer")), out());
    }

    @Test
    void predictPrintsOneCsvLinePerImageOfAFolder() {
        int code = GradcamCommand.execute("predict", Fixtures.root().resolve("models/samples").toString());
        assertEquals(0, code, err());
        String[] lines = out().strip().split("\n");
        assertEquals("file,predicted,probability,p_Normal,p_Pneumonia", lines[0]);
        assertEquals(13, lines.length, "the ten samples, two of them also as DICOM");
        assertTrue(out().contains("phantom-12-normal-mono1.dcm,Normal"), out());
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            String expected = f[0].contains("pneumonia") ? "Pneumonia" : "Normal";
            assertEquals(expected, f[1], lines[i]);
            assertEquals(1.0, Double.parseDouble(f[3]) + Double.parseDouble(f[4]), 1e-5);
        }
    }

    @Test
    void explainWithMetricsScoresTheMapBesideTheRandomBaseline(@TempDir Path out) throws Exception {
        int code = GradcamCommand.execute("explain", "--metrics", "--out", out.toString(), Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(0, code, err());
        List<String> rows = Files.readAllLines(out.resolve("summary.csv"));
        assertTrue(rows.get(0).endsWith(",status,deletion,insertion,confidence_change,confidence_change_inverted,random_deletion,random_insertion,"
                + "road_most_relevant_first,road_least_relevant_first,road_combined,random_road_combined"), rows.get(0));
        String[] f = rows.get(1).split(",");
        assertEquals(19, f.length, rows.get(1));
        double road = Double.parseDouble(f[17]);
        double randomRoad = Double.parseDouble(f[18]);
        assertTrue(road > randomRoad, "ROAD combined: the map's pixels matter more than a random map's (" + road + " vs " + randomRoad + ")");
        double deletion = Double.parseDouble(f[9]);
        double randomDeletion = Double.parseDouble(f[13]);
        assertTrue(deletion < randomDeletion - 0.3, "the demo's Grad-CAM finds the lesion: removing its pixels first kills the score sooner than random ("
                + deletion + " vs " + randomDeletion + ")");
    }

    @Test
    void explainFadeLeavesTheRadiographWhereTheMapIsLow(@TempDir Path out) throws Exception {
        Path image = Fixtures.sample("phantom-01-pneumonia.png");
        assertEquals(0, GradcamCommand.execute("explain", "--out", out.resolve("solid").toString(), image.toString()), err());
        assertEquals(0, GradcamCommand.execute("explain", "--fade", "fade", "--threshold", "0.2", "--out", out.resolve("fade").toString(), image.toString()), err());
        var original = javax.imageio.ImageIO.read(image.toFile());
        var solid = javax.imageio.ImageIO.read(out.resolve("solid/phantom-01-pneumonia.resnet_blocks.4.gradcam.png").toFile());
        var fade = javax.imageio.ImageIO.read(out.resolve("fade/phantom-01-pneumonia.resnet_blocks.4.gradcam.png").toFile());
        long solidSame = 0, fadeSame = 0, n = 0;
        for (int y = 0; y < original.getHeight(); y += 3) {
            for (int x = 0; x < original.getWidth(); x += 3) {
                int g = original.getRaster().getSample(x, y, 0); // the stored gray level (getRGB would convert linear gray to sRGB)
                int o = (g << 16) | (g << 8) | g;
                if ((solid.getRGB(x, y) & 0xffffff) == o) solidSame++;
                if ((fade.getRGB(x, y) & 0xffffff) == o) fadeSame++;
                n++;
            }
        }
        assertTrue(solidSame < n / 10, "solid tints nearly every pixel: " + solidSame + " of " + n + " unchanged");
        assertTrue(fadeSame > n / 2, "fade with a threshold leaves most of the radiograph as it is: " + fadeSame + " of " + n);
        assertEquals(2, GradcamCommand.execute("explain", "--fade", "glow", "--out", out.resolve("x").toString(), image.toString()));
        assertTrue(err().contains("unknown fade 'glow' (solid or fade)"), err());
    }

    @Test
    void aPhantomAsPngAndAsDicomGetsTheSamePrediction() {
        Path dicom = Fixtures.dir().resolve("dicom/phantom-01-pneumonia.dcm");
        assertEquals(0, GradcamCommand.execute("predict", Fixtures.sample("phantom-01-pneumonia.png").toString(), dicom.toString()), err());
        String[] lines = out().strip().split("\n");
        double png = Double.parseDouble(lines[1].split(",")[2]);
        double dcm = Double.parseDouble(lines[2].split(",")[2]);
        assertEquals(png, dcm, 1e-4, out());
    }

    @Test
    void anUnsupportedDicomSyntaxIsNamedNotCalledNotAnImage() {
        Path ls = Fixtures.dir().resolve("dicom/jpeg-ls.dcm");
        assertEquals(1, GradcamCommand.execute("predict", ls.toString()));
        assertTrue(err().contains("JPEG-LS Lossless (1.2.840.10008.1.2.4.80) is not supported"), err());
        assertFalse(err().contains("not an image"), err());
    }

    @Test
    void aBadImageIsReportedAndSkipped(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not an image");
        int code = GradcamCommand.execute("predict", broken.toString(), Fixtures.sample("phantom-02-normal.png").toString());
        assertEquals(1, code);
        assertTrue(out().contains("phantom-02-normal.png,Normal"), out());
        assertTrue(err().contains("broken.png"), err());
        assertEquals(1, err().strip().lines().filter(l -> l.startsWith("gradcam-viewer:")).count(), err());
    }

    @Test
    void aBadModelIsOneLineAndNonZeroWithoutAStackTrace() {
        int code = GradcamCommand.execute("layers", "--model", Fixtures.bad("state-dict.pt").toString());
        assertEquals(2, code);
        String e = err().strip();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("gradcam-viewer: error: state-dict.pt is a pickled PyTorch file"), e);
        assertFalse(e.contains("Exception"));
    }
    @ParameterizedTest
    @CsvSource({"wrong-tap-shape.pt, taps disagree with its manifest", "lie-labels.pt, returns 3 output(s) but its manifest names 4 labels"})
    void explainRefusesAModelThatDisagreesWithItsManifestAsOpeningDoes(String file, String expected, @TempDir Path dir) throws Exception {
        // explain opens the model for its first image's pass to check the outputs: the refusal must be the same
        Path out = dir.resolve("out");
        int code = GradcamCommand.execute("explain", "--model", Fixtures.bad(file).toString(), "--out", out.toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString(), Fixtures.sample("phantom-02-normal.png").toString());
        assertEquals(2, code, err());
        List<String> lines = err().strip().lines().filter(l -> l.startsWith("gradcam-viewer:")).toList();
        assertEquals(1, lines.size(), err());
        assertTrue(lines.get(0).startsWith("gradcam-viewer: error: ") && lines.get(0).contains(expected), err());
        assertFalse(Files.exists(out), "a refused run leaves nothing, not even the folder it made");
    }

    @Test
    void explainWritesOverlaysRawMapsAndASummary(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not an image");
        Path out = dir.resolve("out");
        int code = GradcamCommand.execute("explain", "--out", out.toString(), "--raw", "--layer", "resnet_blocks.4", "--layer", "resnet_blocks.2",
                "--method", "hirescam", Fixtures.sample("phantom-03-pneumonia-portrait.png").toString(), broken.toString());
        assertEquals(1, code, err());
        Path png = out.resolve("phantom-03-pneumonia-portrait.resnet_blocks.4.hirescam.png");
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(1200, img.getHeight());
        // above the centre crop there is no heat: the pixels are the original's; inside, they are not
        java.awt.image.BufferedImage original = javax.imageio.ImageIO.read(Fixtures.sample("phantom-03-pneumonia-portrait.png").toFile());
        assertEquals(original.getRGB(450, 10) & 0xffffff, img.getRGB(450, 10) & 0xffffff);
        assertEquals(original.getRGB(450, 1190) & 0xffffff, img.getRGB(450, 1190) & 0xffffff);
        assertTrue((original.getRGB(450, 600) & 0xffffff) != (img.getRGB(450, 600) & 0xffffff));
        dev.gradcamviewer.imaging.Npy.Array raw = dev.gradcamviewer.imaging.Npy.read(out.resolve("phantom-03-pneumonia-portrait.resnet_blocks.2.hirescam.npy"));
        assertEquals(32, raw.size(0));
        assertEquals(32, raw.size(1));
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals("file,output,predicted,probability,target,layer,method,milliseconds,status", summary.get(0));
        assertEquals(4, summary.size(), "two layers of the good image, and the broken one: " + summary);
        assertTrue(summary.get(3).startsWith(broken + ",") && summary.get(3).contains("failed: "), summary.get(3));
        assertTrue(summary.get(1).contains(",Pneumonia,") && summary.get(1).contains(",resnet_blocks.4,hirescam,"), summary.get(1));
        assertTrue(err().contains("[1/2]") && err().contains("broken.png"), err());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void explainReportsASaturatedScoreAndDrawsNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        int code = GradcamCommand.execute("explain", "--model", Fixtures.bad("saturated.pt").toString(), "--score", "probability",
                "--out", out.toString(), Fixtures.sample("phantom-02-normal.png").toString());
        assertEquals(0, code, err());
        assertTrue(err().contains("saturated"), err());
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertTrue(summary.get(1).contains("saturated"), summary.get(1));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".png")));
        }
    }

    @Test
    void explainRefusesAnUntappedLayerByName(@TempDir Path dir) {
        int code = GradcamCommand.execute("explain", "--layer", "classifier.0", "--out", dir.toString(),
                Fixtures.sample("phantom-02-normal.png").toString());
        assertEquals(2, code);
        assertTrue(err().contains("'classifier.0' cannot be explained"), err());
    }
    @Test
    void selftestReportsAndPasses() {
        assertEquals(0, GradcamCommand.execute("selftest"), out() + err());
        String text = out();
        assertTrue(text.contains("libtorch 2.7.1"), text);
        assertTrue(text.contains("gradient self-check"), text);
        assertTrue(text.contains("oneDNN"), text);
        assertTrue(text.contains("Grad-CAM of resnet_blocks.4 ok"), text);
        assertTrue(text.strip().endsWith("self-test passed"), text);
    }
}
