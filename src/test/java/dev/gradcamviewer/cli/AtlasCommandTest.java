package dev.gradcamviewer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gradcam-viewer atlas on the demo model (which looks at the lungs) and on a model trained to read a
 * tag that only its positive images carry (models/tools/cheat_model.py): the second is flagged, the
 * first is not; labels and masks files with faults are reported by file and line and the rest goes on.
 */
class AtlasCommandTest extends CapturedConsole {
    private static final Path CHEAT = Fixtures.dir().resolve("atlas/cheat");

    private static JsonNode group(JsonNode atlas, String by, String label, String method) {
        for (JsonNode g : atlas.get("groups")) {
            if (g.get("by").asText().equals(by) && g.get("label").asText().equals(label) && g.get("method").asText().equals(method)) return g;
        }
        throw new AssertionError("no group " + by + " " + label + " " + method + " in " + atlas);
    }

    @Test
    void theDemoModelLooksInsideTheBodyAndIsNotFlagged(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("atlas");
        int code = GradcamCommand.execute("atlas", "--masks", Fixtures.root().resolve("models/sample-masks").toString(), "--out", out.toString(),
                Fixtures.root().resolve("models/samples").toString());
        assertEquals(0, code, err());
        assertFalse(err().contains("WARNING"), "nothing is flagged: " + err());
        JsonNode atlas = new ObjectMapper().readTree(out.resolve("atlas.json").toFile());
        assertEquals("gradcam-viewer-atlas", atlas.get("format").asText());
        assertEquals(12, atlas.get("images").asInt());
        assertEquals(12, atlas.get("images_done").asInt());
        assertFalse(atlas.get("partial").asBoolean());
        for (String method : List.of("gradcam", "hirescam")) {
            JsonNode pneumonia = group(atlas, "predicted", "Pneumonia", method);
            assertFalse(pneumonia.get("flagged").asBoolean(), pneumonia.toString());
            assertEquals(0, pneumonia.get("flagged_images").asInt(), "every Pneumonia map peaks inside the body: " + pneumonia);
            assertTrue(pneumonia.get("heat_outside_body").asDouble() < 0.15, pneumonia.toString());
            assertTrue(pneumonia.get("heat_outside_body").asDouble() < pneumonia.get("uniform_outside_body").asDouble() / 3, "far below a uniform map's");
            assertTrue(pneumonia.get("heat_in_mask").asDouble() > 5 * pneumonia.get("uniform_mask").asDouble(), "the lesions take the heat: " + pneumonia);
            JsonNode normal = group(atlas, "predicted", "Normal", method);
            assertFalse(normal.get("flaggable").asBoolean(), "a label that means no finding is not held to a place");
            assertTrue(normal.get("peak_outside_body").asDouble() > 0.5, "and the atlas says where its maps peak: " + normal);
            assertTrue(Files.isRegularFile(out.resolve(pneumonia.get("mean_map").asText())), "the mean map is written");
        }
        assertTrue(err().contains("note: Normal"), "the Normal maps' peaks are said plainly: " + err());
        List<String> rows = Files.readAllLines(out.resolve("images.csv"));
        assertEquals(1 + 12 * 2, rows.size(), "a row per image and method");
        assertTrue(rows.get(0).startsWith("image,status,predicted,probability,truth,outcome,layer,method,no_heat,heat_outside_body,uniform_outside_body"));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "images are embedded");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:|//|file:).*"), "nothing is fetched from elsewhere");
    }

    @Test
    void twoStatisticsWorkersGiveTheSameAtlasAsOne(@TempDir Path dir) throws IOException {
        String samples = Fixtures.root().resolve("models/samples").toString();
        assertEquals(0, GradcamCommand.execute("atlas", "--out", dir.resolve("one").toString(), samples), err());
        assertEquals(0, GradcamCommand.execute("atlas", "--workers", "2", "--out", dir.resolve("two").toString(), samples), err());
        assertEquals(Files.readString(dir.resolve("one/images.csv")), Files.readString(dir.resolve("two/images.csv")), "rows in input order, the same values");
        java.util.function.Function<Path, String> groups = p -> {
            try {
                return new ObjectMapper().readTree(p.toFile()).get("groups").toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertEquals(groups.apply(dir.resolve("one/atlas.json")), groups.apply(dir.resolve("two/atlas.json")));
    }

    @Test
    void aModelThatReadsATagIsFlagged(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("atlas");
        int code = GradcamCommand.execute("atlas", "--model", CHEAT.resolve("cheat.pt").toString(), "--labels", CHEAT.resolve("labels.csv").toString(),
                "--out", out.toString(), CHEAT.resolve("images").toString());
        assertEquals(0, code, err());
        JsonNode atlas = new ObjectMapper().readTree(out.resolve("atlas.json").toFile());
        for (String method : List.of("gradcam", "hirescam")) {
            for (String[] g : new String[][] {{"predicted", "Pneumonia"}, {"truth", "Pneumonia"}, {"outcome", "TP"}}) {
                JsonNode pneumonia = group(atlas, g[0], g[1], method);
                assertTrue(pneumonia.get("flagged").asBoolean(), pneumonia.toString());
                assertTrue(pneumonia.get("fixed_spot").asDouble() >= 0.8, "the tag does not move: " + pneumonia);
                assertTrue(pneumonia.get("heat_outside_body").asDouble() > 0.5, pneumonia.toString());
            }
        }
        assertTrue(err().lines().anyMatch(l -> l.startsWith("WARNING: Pneumonia [gradcam, features.10]: ") && l.contains("peak at the same spot")), err());
        assertTrue(Files.readString(out.resolve("report.html")).contains("Flagged: Pneumonia [hirescam"), "the report says it");
    }

    @Test
    void faultsInTheLabelsAndMasksAreNamedByFileAndLineAndTheRestGoesOn(@TempDir Path dir) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String s : List.of("phantom-01-pneumonia.png", "phantom-02-normal.png", "phantom-08-pneumonia.bmp")) {
            Files.copy(Fixtures.sample(s), images.resolve(s));
        }
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, String.join("\n", "image,label", "phantom-01-pneumonia.png,Pneumonia", "phantom-02-normal.png,Normal",
                "phantom-01-pneumonia.png,Normal", "someone-else.png,Pneumonia", "phantom-08-pneumonia.bmp,", "\"unclosed.png,Normal", ""));
        Path masks = Files.createDirectories(dir.resolve("masks"));
        Files.copy(Fixtures.root().resolve("models/sample-masks/phantom-01-pneumonia.mask.png"), masks.resolve("phantom-01-pneumonia.mask.png"));
        java.awt.image.BufferedImage small = new java.awt.image.BufferedImage(64, 50, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        javax.imageio.ImageIO.write(small, "png", masks.resolve("phantom-02-normal_mask.png").toFile());
        Path out = dir.resolve("atlas");
        int code = GradcamCommand.execute("atlas", "--labels", labels.toString(), "--masks", masks.toString(), "--method", "hirescam",
                "--out", out.toString(), images.toString());
        assertEquals(0, code, err());
        String e = err();
        assertTrue(e.contains(labels + ": line 4: phantom-01-pneumonia.png is listed again (first on line 2) with other labels; line 2 is kept"), e);
        assertTrue(e.contains(labels + ": line 6: no label is given for phantom-08-pneumonia.bmp; the row is skipped"), e);
        assertTrue(e.contains(labels + ": line 7: a quote is left open; the row is skipped"), e);
        assertTrue(e.contains(labels + ": 1 row names an image not given (the first on line 5: someone-else.png)"), e);
        assertTrue(e.contains("the mask phantom-02-normal_mask.png is 64x50, the image 512x512: scaled to the image")
                || e.matches("(?s).*the mask phantom-02-normal_mask.png is 64x50, the image \\d+x\\d+: scaled to the image.*"), e);
        List<String> rows = Files.readAllLines(out.resolve("images.csv"));
        assertEquals(4, rows.size(), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("phantom-01-pneumonia.png,ok,Pneumonia") && r.contains(",Pneumonia,TP,")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("phantom-08-pneumonia.bmp,ok,Pneumonia") && r.contains(",,,resnet_blocks.4")),
                "an image without a label has no truth and no outcome: " + rows);
        JsonNode atlas = new ObjectMapper().readTree(out.resolve("atlas.json").toFile());
        assertEquals(1, group(atlas, "outcome", "TP", "hirescam").get("images").asInt());
    }

    @Test
    void roadScoresTheMapsBesideTheRandomMaps(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("atlas");
        assertEquals(0, GradcamCommand.execute("atlas", "--road", "--method", "gradcam", "--out", out.toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString(), Fixtures.sample("phantom-05-pneumonia-large.png").toString()), err());
        List<String> rows = Files.readAllLines(out.resolve("images.csv"));
        assertTrue(rows.get(0).endsWith(",road_combined,random_road_combined"), rows.get(0));
        for (String r : rows.subList(1, rows.size())) {
            String[] f = r.split(",", -1);
            assertEquals(29, f.length, r);
            double road = Double.parseDouble(f[27]);
            double random = Double.parseDouble(f[28]);
            // ROAD barely tells the demo's Grad-CAM from a random map (phantom-01: 0.209 against 0.198; phantom-05: 0.293 against 0.320,
            // the reference agreeing to 1e-5): imputed pixels hide a lesion less than black ones do, however they are chosen
            assertTrue(road > 0.1 && random > 0.1, "removing pixels by either map moves the score: " + r);
            if (r.contains("phantom-01")) assertTrue(road > random, "phantom-01's map does better than random: " + r);
        }
        JsonNode g = group(new ObjectMapper().readTree(out.resolve("atlas.json").toFile()), "predicted", "Pneumonia", "gradcam");
        assertTrue(g.get("road_combined").isNumber() && g.get("random_road_combined").isNumber(), g.toString());
    }

    @Test
    void aLabelsFileInNeitherFormatIsRefusedBeforeAnythingIsDone(@TempDir Path dir) throws IOException {
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "patientId,x,y\nabc,1,2\n");
        Path out = dir.resolve("atlas");
        int code = GradcamCommand.execute("atlas", "--labels", labels.toString(), "--out", out.toString(), Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(2, code);
        assertTrue(err().contains(labels + ": line 1: the header is neither 'image,label' nor NIH ChestX-ray14's"), err());
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void nihDataEntryLabelsAreRead(@TempDir Path dir) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.copy(Fixtures.sample("phantom-01-pneumonia.png"), images.resolve("00000001_000.png"));
        Files.copy(Fixtures.sample("phantom-02-normal.png"), images.resolve("00000002_000.png"));
        Files.copy(Fixtures.sample("phantom-08-pneumonia.bmp"), images.resolve("00000003_001.bmp"));
        Path labels = dir.resolve("Data_Entry_2017.csv");
        Files.writeString(labels, String.join("\n",
                "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],",
                "00000001_000.png,Pneumonia|Effusion,0,1,58,M,PA,2682,2749,0.143,0.143,",
                "00000002_000.png,No Finding,0,2,81,M,PA,2500,2048,0.168,0.168,",
                "00000003_001.bmp,Infiltration,1,3,74,F,PA,2500,2048,0.168,0.168,", ""));
        Path out = dir.resolve("atlas");
        assertEquals(0, GradcamCommand.execute("atlas", "--labels", labels.toString(), "--method", "gradcam", "--out", out.toString(), images.toString()), err());
        JsonNode atlas = new ObjectMapper().readTree(out.resolve("atlas.json").toFile());
        assertEquals(1, group(atlas, "truth", "Effusion", "gradcam").get("images").asInt());
        assertEquals(1, group(atlas, "truth", "Normal", "gradcam").get("images").asInt(), "NIH's No Finding is the model's Normal");
        assertEquals(1, group(atlas, "outcome", "TP", "gradcam").get("images").asInt());
        assertEquals(1, group(atlas, "outcome", "FP", "gradcam").get("images").asInt(), "Infiltration is not Pneumonia");
        assertEquals(1, group(atlas, "outcome", "TN", "gradcam").get("images").asInt());
    }

    @Test
    void localisationAgainstNihBoxesBeatsTheRandomMapAndRsnaBoxesAreRead(@TempDir Path dir) throws IOException {
        Path pointing = Fixtures.dir().resolve("pointing");
        Path out = dir.resolve("nih");
        assertEquals(0, GradcamCommand.execute("atlas", "--boxes", pointing.resolve("BBox_List_2017.csv").toString(), "--layer", "resnet_blocks.4",
                "--layer", "resnet_blocks.3", "--out", out.toString(), pointing.toString()), err());
        List<String> rows = Files.readAllLines(out.resolve("localisation.csv"));
        assertEquals("method,layer,label,images,hit_rate,iou,mass_inside,auc,random_hit_rate,random_iou,random_mass_inside", rows.get(0));
        assertEquals(1 + 2 * 2, rows.size(), "two methods at two layers: " + rows);
        double lastHit = 2;
        for (String r : rows.subList(1, rows.size())) {
            String[] f = r.split(",");
            assertEquals("Pneumonia", f[2]);
            assertEquals(60, Integer.parseInt(f[3]), "every phantom has boxes: " + r);
            double hit = Double.parseDouble(f[4]);
            assertTrue(hit <= lastHit, "ranked best first: " + rows);
            lastHit = hit;
            if (f[1].equals("resnet_blocks.4")) {
                assertTrue(hit > Double.parseDouble(f[8]) + 0.3, "the pointing game beats the random map's by far at block .4: " + r);
                assertTrue(Double.parseDouble(f[5]) > Double.parseDouble(f[9]), "IoU beats the random map's: " + r);
                assertTrue(Double.parseDouble(f[6]) > Double.parseDouble(f[10]), "mass inside beats the random map's: " + r);
                assertTrue(Double.parseDouble(f[7]) > 0.7, "ROC AUC: " + r);
            }
        }
        assertTrue(Files.readString(out.resolve("report.html")).contains("Localisation against the ground truth"));

        Path rsna = dir.resolve("rsna");
        assertEquals(0, GradcamCommand.execute("atlas", "--boxes", pointing.resolve("stage_2_train_labels.csv").toString(), "--method", "gradcam",
                "--out", rsna.toString(), pointing.toString()), err());
        List<String> r2 = Files.readAllLines(rsna.resolve("localisation.csv"));
        assertEquals(2, r2.size(), r2.toString());
        assertTrue(r2.get(1).startsWith("gradcam,resnet_blocks.4,Pneumonia,5,"), "the five patients with boxes: " + r2);
    }

    @Test
    void masksBesideTheirImagesAreNotImagesAndServeAsGroundTruth(@TempDir Path dir) throws IOException {
        Path pointing = Fixtures.dir().resolve("pointing");
        Path out = dir.resolve("atlas");
        assertEquals(0, GradcamCommand.execute("atlas", "--masks", pointing.toString(), "--method", "hirescam", "--limit", "20", "--out", out.toString(),
                pointing.toString()), err());
        JsonNode atlas = new ObjectMapper().readTree(out.resolve("atlas.json").toFile());
        assertEquals(20, atlas.get("images_done").asInt());
        JsonNode pneumonia = group(atlas, "predicted", "Pneumonia", "hirescam");
        assertEquals(20, pneumonia.get("images").asInt(), "no mask was taken for an image: " + pneumonia);
        assertTrue(pneumonia.get("heat_in_mask").asDouble() > 4 * pneumonia.get("uniform_mask").asDouble(), pneumonia.toString());
        List<String> rows = Files.readAllLines(out.resolve("localisation.csv"));
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(1).startsWith("hirescam,resnet_blocks.4,Pneumonia,20,"), rows.toString());
    }

    @Test
    void boxesOutsideTheImageAreClippedAndSaidAndABadHeaderIsRefused(@TempDir Path dir) throws IOException {
        Path boxes = dir.resolve("boxes.csv");
        Files.writeString(boxes, String.join("\n", "Image Index,Finding Label,Bbox [x,y,w,h],,,", "phantom-01-pneumonia.png,Pneumonia,400,300,900,100",
                "phantom-01-pneumonia.png,Pneumonia,400,300,900,100", "phantom-01-pneumonia.png,Pneumonia,10,10,0,5", "phantom-01-pneumonia.png,Pneumonia,a,b,c,d", ""));
        Path out = dir.resolve("atlas");
        assertEquals(0, GradcamCommand.execute("atlas", "--boxes", boxes.toString(), "--method", "gradcam", "--out", out.toString(),
                Fixtures.sample("phantom-01-pneumonia.png").toString()), err());
        String e = err();
        assertTrue(e.contains(boxes + ": line 3: the same box as line 2; the row is skipped"), e);
        assertTrue(e.contains(boxes + ": line 4: the box has no area"), e);
        assertTrue(e.contains(boxes + ": line 5: the box is not four numbers; the row is skipped"), e);
        assertTrue(e.matches("(?s).*" + java.util.regex.Pattern.quote(boxes + ": line 2: the box 400.0,300.0,900.0,100.0 reaches beyond the image (") + "\\d+x\\d+\\); clipped to it.*"), e);
        assertEquals(2, Files.readAllLines(out.resolve("localisation.csv")).size());

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "image,label\nx.png,Pneumonia\n");
        assertEquals(2, GradcamCommand.execute("atlas", "--boxes", bad.toString(), "--out", dir.resolve("none").toString(), Fixtures.sample("phantom-01-pneumonia.png").toString()));
        assertTrue(err().contains(bad + ": line 1: the header is neither NIH ChestX-ray14's"), err());
        assertFalse(Files.exists(dir.resolve("none")));
    }

    @Test
    void theReportOpensInHeadlessChromiumWithNoNetwork(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("atlas");
        assertEquals(0, GradcamCommand.execute("atlas", "--model", CHEAT.resolve("cheat.pt").toString(), "--out", out.toString(), CHEAT.resolve("images").toString()), err());
        Path shot = Path.of("target/snapshots/atlas-report.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        String chromium = Stream.of("chromium", "chromium-browser", "google-chrome").filter(AtlasCommandTest::onPath).findFirst()
                .orElseThrow(() -> new AssertionError("headless Chromium is needed for this test: run scripts/setup.sh (Debian's chromium)"));
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("profile"), "--proxy-server=127.0.0.1:9", "--window-size=1300,1600",
                "--screenshot=" + shot, out.resolve("report.html").toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "chromium did not finish");
        assertTrue(Files.size(shot) > 10_000, "a screenshot: " + Files.readString(dir.resolve("chromium.log")));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(shot.toFile());
        assertNotNull(img);
        // the report's first flagged-image thumbnail is drawn: some pixels are strongly coloured (jet heat), not only text on white
        long coloured = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 120) coloured++;
            }
        }
        assertTrue(coloured > 2000, "the embedded images are drawn with no network (" + coloured + " coloured samples); see " + shot);
    }

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, name))) return true;
        }
        return false;
    }
}
