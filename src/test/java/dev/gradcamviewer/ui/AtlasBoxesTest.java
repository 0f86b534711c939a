package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cli.GradcamCommand;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.snapshot;
import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** With an atlas made against ground-truth boxes open, the Image tab draws the shown image's boxes. */
class AtlasBoxesTest extends ViewerTestBase {
    private Path atlasDir;
    private Path images;

    @Start
    void start(Stage stage) throws Exception {
        Path pointing = Fixtures.dir().resolve("pointing").toAbsolutePath();
        images = Files.createTempDirectory("boxed");
        for (String n : List.of("phantom-00.png", "phantom-01.png", "phantom-03.png")) Files.copy(pointing.resolve(n), images.resolve(n));
        atlasDir = Files.createTempDirectory("atlas").resolve("out");
        assertEquals(0, GradcamCommand.execute("atlas", "--boxes", pointing.resolve("BBox_List_2017.csv").toString(), "--method", "gradcam",
                "--out", atlasDir.toString(), images.toString()));
        open(stage, List.of(images));
    }

    @Test
    void theShownImagesBoxesAreDrawn(FxRobot robot) throws Exception {
        waitUntil(() -> window.shownProperty().get() != null, "the first image");
        assertEquals(0, window.truthBoxCount(), "no atlas open: no boxes");
        robot.interact(() -> window.openAtlas(atlasDir));
        waitUntil(() -> window.truthBoxCount() > 0, "phantom-00's lesion boxes");
        robot.interact(() -> window.atlasView().imagesList().getSelectionModel().select(0));
        Path chosen = window.atlasView().imagesList().getItems().get(0).image();
        robot.clickOn(robot.lookup("#atlas-images .list-cell").nth(0).queryAs(javafx.scene.Node.class));
        waitUntil(() -> window.imageTabShown() && window.shownProperty().get() != null && window.shownProperty().get().file().getFileName().equals(chosen.getFileName())
                && window.heatProperty().get() != null && window.truthBoxCount() > 0, "the chosen image with its heat and boxes");
        snapshot(stage.getScene().getRoot(), "atlas-boxes.png");
    }

    @Test
    void anAtlasMadeWithMasksTintsTheShownImagesMask(FxRobot robot) throws Exception {
        Path pointing = Fixtures.dir().resolve("pointing").toAbsolutePath();
        Path withMasks = Files.createTempDirectory("atlas").resolve("masks");
        assertEquals(0, GradcamCommand.execute("atlas", "--masks", pointing.toString(), "--method", "gradcam", "--out", withMasks.toString(), images.toString()));
        waitUntil(() -> window.shownProperty().get() != null, "the first image");
        org.junit.jupiter.api.Assertions.assertFalse(window.truthMaskShown());
        robot.interact(() -> window.openAtlas(withMasks));
        waitUntil(window::truthMaskShown, "phantom-00's lesion mask tinted");
        assertEquals(0, window.truthBoxCount(), "an atlas without boxes draws none");
    }
}
