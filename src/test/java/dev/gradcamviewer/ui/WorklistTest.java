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
        waitUntil(() -> window.worklist().items().size() == 10
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

    @Test
    void verdictKeysSaveAndMoveToTheNextUnreviewed(FxRobot robot) throws Exception {
        waitUntil(() -> window.shownProperty().get() != null && window.heatProperty().get() != null, "the first CAM");
        String first = shownName();
        key(robot, KeyCode.DIGIT1);
        waitUntil(() -> !shownName().equals(first), "the next image");
        String second = shownName();
        key(robot, KeyCode.DIGIT2);
        waitUntil(() -> !shownName().equals(second), "the next image");
        key(robot, KeyCode.DIGIT3);
        assertEquals(Verdict.AGREE, window.reviews().get(first).orElseThrow().verdict());
        assertEquals(Verdict.DISAGREE, window.reviews().get(second).orElseThrow().verdict());
        assertEquals(3, window.reviews().entries().size());
        String saved = Files.readString(window.reviews().file());
        assertTrue(saved.contains(first) && saved.contains("\"disagree\"") || saved.contains("DISAGREE"), saved);
        assertEquals("resnet_blocks.4", window.reviews().get(first).orElseThrow().layer());
        assertEquals(64, window.reviews().get(first).orElseThrow().imageSha256().length());
        assertNotEquals("", window.reviews().get(first).orElseThrow().modelSha256());
    }

    @Test
    @SuppressWarnings("unchecked")
    void verdictsComeBackAfterARestartAndExportToCsv(FxRobot robot) throws Exception {
        waitUntil(() -> window.shownProperty().get() != null, "the first image");
        robot.interact(() -> {
            window.setNote("lesion in the right lung, \"faint\"");
            window.giveVerdict(Verdict.DISAGREE);
        });
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
        assertEquals(8, window.worklist().shown().size());
        robot.interact(() -> filter.setValue("Disagreed"));
        assertEquals(1, window.worklist().shown().size());
    }
}
