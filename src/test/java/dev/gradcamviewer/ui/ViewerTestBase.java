package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A viewer window on the demo model with the files a test names, its settings in a throw-away
 * preferences node and its verdicts in a temporary folder; both removed after each test.
 */
@ExtendWith(ApplicationExtension.class)
abstract class ViewerTestBase {
    final TestEngine engine = new TestEngine();
    ViewerSettings settings;
    ViewerWindow window;
    Stage stage;

    /**
     * Opens the window with these images or folders: called from each test class's own {@code @Start}
     * method (TestFX looks for it among the class's declared methods only).
     */
    void open(Stage stage, List<Path> opened) throws Exception {
        open(stage, Fixtures.demoModel(), opened);
    }

    /** The same with another model. */
    void open(Stage stage, Path model, List<Path> opened) throws Exception {
        this.stage = stage;
        settings = new ViewerSettings("dev/gradcamviewer/test-" + UUID.randomUUID());
        System.setProperty("gradcam.reviews", Files.createTempDirectory("reviews").toString());
        window = new ViewerWindow(stage, engine, settings);
        window.open(model, opened);
    }

    @AfterEach
    void cleanUp() {
        settings.removeNode();
        engine.closeAll();
    }

    void waitForCam() {
        ViewerWindowTest.waitUntil(() -> window.heatProperty().get() != null && window.shownProperty().get() != null, "a CAM is shown");
    }

    static int[] pixels(Image img) {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] p = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), p, 0, w);
        return p;
    }
}
