package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.review.Verdict;
import javafx.scene.control.ComboBox;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class WorklistTest {
    private final TestEngine engine = new TestEngine();
    private ViewerWindow window;
    private Stage stage;
    private ViewerSettings settings;
    private Path reviews;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        reviews = Files.createTempDirectory("reviews");
        System.setProperty("gradcam.reviews", reviews.toString());
        settings = new ViewerSettings("dev/gradcamviewer/test-" + UUID.randomUUID());
        window = new ViewerWindow(stage, engine, settings);
        window.open(Fixtures.demoModel(), List.of(Fixtures.root().resolve("models/samples")));
    }

    @AfterEach
    void cleanUp() {
        settings.removeNode();
        engine.closeAll();
    }

    private String shownName() { return window.shownProperty().get().file().getFileName().toString(); }

    private void waitForPredictions() {
        waitUntil(() -> window.worklist().items().size() == 12
                && window.worklist().items().stream().allMatch(i -> i.prediction.get() != null), "every prediction");
    }

    private void key(FxRobot robot, KeyCode code) {
        robot.interact(() -> robot.press(code).release(code));
    }

    @Test
    void aFolderFillsTheWorklistAndPredictionsAppear() throws Exception {
        waitForPredictions();
        for (WorkItem item : window.worklist().items()) {
            String expected = item.name().contains("pneumonia") ? "Pneumonia" : "Normal";
            assertEquals(expected, item.prediction.get().predictedLabel(), item.name());
        }
        assertTrue(window.reviews().file().startsWith(reviews), "test reviews stay in the temporary folder");
        snapshot(stage.getScene().getRoot(), "worklist.png");
    }

    private void waitUntilReady() {
        waitUntil(() -> window.verdictReady(), "the image, its prediction and its map on screen");
    }

    @Test
    void verdictKeysSaveAndMoveToTheNextUnreviewed(FxRobot robot) throws Exception {
        waitUntilReady();
        String first = shownName();
        key(robot, KeyCode.DIGIT1);
        waitUntil(() -> !shownName().equals(first), "the next image");
        waitUntilReady();
        String second = shownName();
        key(robot, KeyCode.DIGIT2);
        waitUntil(() -> !shownName().equals(second), "the next image");
        waitUntilReady();
        key(robot, KeyCode.DIGIT3);
        assertEquals(Verdict.AGREE, window.reviews().get(first).orElseThrow().verdict());
        assertEquals(Verdict.DISAGREE, window.reviews().get(second).orElseThrow().verdict());
        assertEquals(3, window.reviews().entries().size());
        String saved = Files.readString(window.reviews().file());
        assertTrue(saved.contains(first) && saved.contains("\"disagree\"") || saved.contains("DISAGREE"), saved);
        assertEquals("resnet_blocks.4", window.reviews().get(first).orElseThrow().layer());
        assertEquals(64, window.reviews().get(first).orElseThrow().imageSha256().length());
        assertNotEquals("", window.reviews().get(first).orElseThrow().modelSha256());
        assertEquals("logit", window.reviews().get(first).orElseThrow().score());
        assertEquals("receptive-field", window.reviews().get(first).orElseThrow().placement());
    }

    /** A verdict key pressed while the next image is on its way records nothing and says why. */
    @Test
    void aVerdictNeverLandsOnAnImageThatWasNotShown(FxRobot robot) throws Exception {
        waitUntilReady();
        String first = shownName();
        String[] during = new String[3];
        robot.interact(() -> {
            window.giveVerdict(Verdict.AGREE);           // moves on to the next image, which is not there yet
            window.giveVerdict(Verdict.UNSURE);          // pressed at once: the next image is not on screen
            during[0] = window.loadingText();
            during[1] = window.statusText();
            during[2] = window.heatProperty().get() == null ? "no heat" : "heat";
        });
        assertEquals(1, window.reviews().entries().size(), "only the verdict for the image that was shown");
        assertEquals(Verdict.AGREE, window.reviews().get(first).orElseThrow().verdict());
        assertTrue(during[0].startsWith("Loading "), "the pane shows the next image is loading, not the old one: " + during[0]);
        assertTrue(during[1].startsWith("Not recorded:"), during[1]);
        assertEquals("no heat", during[2], "never the previous image's heat");
        waitUntilReady();
        String second = shownName();
        assertNotEquals(first, second);
        robot.interact(() -> window.giveVerdict(Verdict.UNSURE));
        assertEquals(Verdict.UNSURE, window.reviews().get(second).orElseThrow().verdict());
        assertEquals(window.shownProperty().get().pass().prediction().predictedLabel(), window.reviews().get(second).orElseThrow().target());
    }

    @Test
    @SuppressWarnings("unchecked")
    void verdictsComeBackAfterARestartAndExportToCsv(FxRobot robot) throws Exception {
        waitUntilReady();
        robot.interact(() -> {
            window.setNote("lesion in the right lung, \"faint\"");
            window.giveVerdict(Verdict.DISAGREE);
        });
        waitUntilReady();
        robot.interact(() -> window.giveVerdict(Verdict.UNSURE));
        waitUntil(() -> window.reviews().entries().size() == 2, "two verdicts");
        Path csv = Files.createTempDirectory("csv").resolve("verdicts.csv");
        robot.interact(() -> window.exportVerdicts(csv));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("image,image_sha256,verdict,note"));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",disagree,\"lesion in the right lung, \"\"faint\"\"\"")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",unsure,")));

        CompletableFuture<List<Verdict>> restored = new CompletableFuture<>();
        robot.interact(() -> {
            Stage second = new Stage();
            ViewerWindow again = new ViewerWindow(second, engine, settings);
            again.open(null, List.of(Fixtures.root().resolve("models/samples")));
            restored.complete(again.worklist().items().stream().map(i -> i.verdict.get()).filter(v -> v != null).sorted().toList());
            second.close();
        });
        assertEquals(List.of(Verdict.DISAGREE, Verdict.UNSURE), restored.get(10, TimeUnit.SECONDS));

        ComboBox<String> filter = robot.lookup("#worklist-filter").queryAs(ComboBox.class);
        robot.interact(() -> filter.setValue("Unreviewed"));
        assertEquals(10, window.worklist().shown().size(), "twelve samples, two reviewed");
        robot.interact(() -> filter.setValue("Disagreed"));
        assertEquals(1, window.worklist().shown().size());
    }
}
