package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.cli.GradcamCommand;
import dev.gradcamviewer.ui.atlas.AtlasFolder;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Atlas tab on an atlas of the model trained to read a tag: its flagged group is selected with
 * the tagged images first, and a click opens the image in the Image tab at the group's method.
 */
class AtlasTabTest extends ViewerTestBase {
    private static final Path CHEAT = Fixtures.dir().resolve("atlas/cheat");
    private Path atlasDir;

    @Start
    void start(Stage stage) throws Exception {
        atlasDir = Files.createTempDirectory("atlas").resolve("out");
        assertEquals(0, GradcamCommand.execute("atlas", "--model", CHEAT.resolve("cheat.pt").toString(), "--method", "hirescam", "--method", "gradcam",
                "--labels", CHEAT.resolve("labels.csv").toString(), "--out", atlasDir.toString(), CHEAT.resolve("images").toAbsolutePath().toString()));
        open(stage, CHEAT.resolve("cheat.pt"), List.of(CHEAT.resolve("images").toAbsolutePath()));
    }

    @Test
    void theFlaggedGroupComesFirstAndAClickOpensTheImageAtItsMethod(FxRobot robot) throws Exception {
        waitUntil(() -> window.shownProperty().get() != null, "the first image");
        robot.interact(() -> window.openAtlas(atlasDir));
        var view = window.atlasView();
        AtlasFolder.Group selected = view.groupsTable().getSelectionModel().getSelectedItem();
        assertTrue(selected.flagged() && selected.label().equals("Pneumonia"), "the flagged group is shown first: " + selected);
        assertEquals("hirescam", selected.method());
        List<AtlasFolder.ImageRow> images = view.imagesList().getItems();
        assertEquals(12, images.size(), "the group's images");
        assertTrue(images.get(0).flagged() && images.get(0).strength() >= images.get(images.size() - 1).strength(), "the most flagged first");
        waitUntil(() -> view.lookup("#atlas-mean-map") != null && ((javafx.scene.image.ImageView) view.lookup("#atlas-mean-map")).getImage() != null
                && ((javafx.scene.image.ImageView) view.lookup("#atlas-mean-map")).getImage().getProgress() >= 1, "the mean map");
        snapshot(stage.getScene().getRoot(), "atlas-tab.png");

        // choose the gradcam group, then its most flagged image
        robot.interact(() -> view.groupsTable().getItems().stream().filter(g -> g.flagged() && g.method().equals("gradcam") && g.by().equals("predicted"))
                .findFirst().ifPresent(g -> view.groupsTable().getSelectionModel().select(g)));
        AtlasFolder.ImageRow first = view.imagesList().getItems().get(0);
        robot.interact(() -> view.imagesList().getSelectionModel().select(0));
        robot.clickOn(robot.lookup("#atlas-images .list-cell").nth(0).queryAs(javafx.scene.Node.class));
        waitUntil(() -> window.imageTabShown() && window.shownProperty().get() != null
                && window.shownProperty().get().file().getFileName().equals(first.image().getFileName()), "the chosen image in the Image tab");
        assertEquals("gradcam", window.onScreenMethodForTests());
    }

    @Test
    void anAtlasOfTheWorklistIsMadeInTheBackgroundAndOpened(FxRobot robot) throws Exception {
        waitUntil(() -> window.shownProperty().get() != null, "the first image");
        Path out = Files.createTempDirectory("viewer-atlas").resolve("atlas");
        robot.interact(() -> window.makeAtlas(out));
        assertTrue(window.makingAtlas(), "the run has started");
        waitUntil(() -> !window.makingAtlas() && window.atlasView().atlas() != null && window.atlasView().atlas().dir().equals(out), "the atlas made and opened");
        var a = window.atlasView().atlas();
        assertEquals(24, a.imagesDone());
        assertTrue(!a.partial());
        assertTrue(a.groups().stream().anyMatch(g -> g.flagged() && g.label().equals("Pneumonia") && g.method().equals("hirescam")),
                "the viewer's atlas flags the cheat as the command line's does: " + a.groups());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
    }

    @Test
    void cancellingWritesWhatWasDoneMarkedPartial(FxRobot robot) throws Exception {
        waitUntil(() -> window.shownProperty().get() != null, "the first image");
        Path out = Files.createTempDirectory("viewer-atlas").resolve("atlas");
        robot.interact(() -> {
            window.makeAtlas(out);
            robot.lookup("#atlas-cancel").queryButton().fire(); // at once: the cheat's small images would all be done within a second
        });
        waitUntil(() -> !window.makingAtlas() && window.atlasView().atlas() != null && window.atlasView().atlas().dir().equals(out), "the partial atlas opened");
        var a = window.atlasView().atlas();
        assertTrue(a.partial(), "marked partial");
        assertTrue(a.imagesDone() < 24, "the images done before Cancel: " + a.imagesDone());
        List<String> rows = Files.readAllLines(out.resolve("images.csv"));
        assertTrue(rows.stream().anyMatch(r -> r.contains("not done: cancelled")), "the rest are listed as not done");
    }

    @Test
    void aFolderThatIsNotAnAtlasIsRefusedInTheStatusBar(FxRobot robot) throws Exception {
        Path empty = Files.createTempDirectory("not-an-atlas");
        robot.interact(() -> window.openAtlas(empty));
        assertTrue(window.statusText().contains("is not an atlas folder"), window.statusText());
    }
}
