package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.review.ReviewEntry;
import dev.gradcamviewer.review.Verdict;
import javafx.scene.image.Image;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DICOM in the viewer: windowing changes the picture only, patient text on request, verdicts know the study. */
class DicomViewerTest extends ViewerTestBase {
    static Path dicom(String name) { return Fixtures.dir().resolve("dicom").resolve(name); }

    @Start
    void start(Stage stage) throws Exception { open(stage, List.of(dicom("mono2-windows.dcm"))); }

    @Test
    void aRightDragChangesTheDisplayedPixelsAndNotTheHeat(FxRobot robot) throws Exception {
        waitForCam();
        int passes = engine.passes.get();
        Image base = window.imagePane().baseView().getImage();
        int[] before = pixels(base);
        Image heat = window.imagePane().heatView().getImage();
        var shown = window.shownProperty().get();
        assertEquals("W/L C 2048 W 4096  FULL", robot.lookup("#window-label").queryLabeled().getText());
        robot.moveTo(window.imagePane()).press(MouseButton.SECONDARY).moveBy(-80, -40).release(MouseButton.SECONDARY);
        waitUntil(() -> window.imagePane().baseView().getImage() != base, "the new window is displayed");
        assertFalse(Arrays.equals(before, pixels(window.imagePane().baseView().getImage())), "the picture changed");
        assertSame(heat, window.imagePane().heatView().getImage(), "the heat layer is untouched");
        assertSame(shown, window.shownProperty().get(), "the model's pass is untouched");
        assertEquals(passes, engine.passes.get(), "no model run");
        String text = robot.lookup("#window-label").queryLabeled().getText();
        assertTrue(text.startsWith("W/L C ") && !text.contains("W 4096"), text);
        snapshot(stage.getScene().getRoot(), "dicom-window-dragged.png");

        robot.type(KeyCode.I);
        waitUntil(() -> window.grayWindow().invert.get() && robot.lookup("#window-label").queryLabeled().getText().endsWith("inverted"), "inverted");
        robot.type(KeyCode.R);
        waitUntil(() -> !window.grayWindow().invert.get() && window.grayWindow().voi.get() == null, "reset");
        waitUntil(() -> Arrays.equals(before, pixels(window.imagePane().baseView().getImage())), "the default picture again");
    }

    @Test
    void aPresetFromTheFileIsAMenuChoiceAway(FxRobot robot) {
        waitForCam();
        var presets = window.grayWindow().presets.get();
        assertEquals(List.of("FULL (C 2048 W 4096)", "NARROW (C 1500 W 1000)"), presets.subList(0, 2).stream().map(v -> v.label()).toList());
        int[] before = pixels(window.imagePane().baseView().getImage());
        robot.clickOn("#window-presets-button").clickOn("NARROW (C 1500 W 1000)");
        waitUntil(() -> !Arrays.equals(before, pixels(window.imagePane().baseView().getImage())), "the narrow window is displayed");
        assertEquals("W/L C 1500 W 1000  NARROW", robot.lookup("#window-label").queryLabeled().getText());
    }

    @Test
    void patientTextIsShownOnlyOnRequest(FxRobot robot) throws Exception {
        waitForCam();
        assertNull(window.imagePane().annotations(), "off by default");
        robot.type(KeyCode.T);
        WaitForAsyncUtils.waitForFxEvents();
        String[] text = window.imagePane().annotations();
        assertTrue(text[0].contains("PHANTOM, DEMO") && text[0].contains("PHANTOM-0001"), text[0]);
        assertTrue(text[1].contains("2026-01-01") && text[1].contains("DX PA"), text[1]);
        snapshot(stage.getScene().getRoot(), "dicom-patient-text.png");
        robot.clickOn("#annotations-toggle");
        WaitForAsyncUtils.waitForFxEvents();
        assertNull(window.imagePane().annotations());
    }

    @Test
    void aVerdictKeepsTheStudyAndWhatTheModelSaw(FxRobot robot) throws Exception {
        waitForCam();
        waitUntil(window::verdictReady, "ready for a verdict");
        robot.interact(() -> window.giveVerdict(Verdict.AGREE));
        ReviewEntry e = window.reviews().get("mono2-windows.dcm").orElseThrow();
        assertEquals("1.2.826.0.1.3680043.8.498.1", e.studyUid());
        assertEquals("1.2.826.0.1.3680043.8.498.2", e.seriesUid());
        assertTrue(e.sopInstanceUid().startsWith("1.2.826.0.1.3680043.8.498."), e.sopInstanceUid());
        assertEquals("model's rule: file", e.modelInput());
        String csv = dev.gradcamviewer.review.ReviewCsv.text(window.reviews().entries());
        assertTrue(csv.split("\r\n")[0].endsWith("study_uid,series_uid,sop_instance_uid,model_input"));
        assertTrue(csv.contains(e.sopInstanceUid()));
        assertFalse(csv.contains("PHANTOM"), "no patient data in the verdicts");
    }

    @Test
    void explainAsDisplayedRunsTheModelOnTheWindowShownAndSaysSo(FxRobot robot) {
        waitForCam();
        var first = window.shownProperty().get();
        robot.interact(() -> window.grayWindow().choose(window.grayWindow().presets.get().get(1)));
        robot.interact(window::explainAsDisplayed);
        waitUntil(() -> window.shownProperty().get() != first && window.heatProperty().get() != null, "the new pass");
        var again = window.shownProperty().get();
        assertNotEquals(first.pass().prediction().probability(0), again.pass().prediction().probability(0), "another input, another output");
        String label = robot.lookup("#image-label").queryLabeled().getText();
        assertTrue(label.contains("explained as displayed, W/L C 1500 W 1000"), label);
        waitUntil(window::verdictReady, "ready for a verdict");
        robot.interact(() -> window.giveVerdict(Verdict.UNSURE));
        assertEquals("as displayed: W/L C 1500 W 1000  NARROW", window.reviews().get("mono2-windows.dcm").orElseThrow().modelInput());
    }
}
