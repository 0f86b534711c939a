package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gradcamviewer.ui.ViewerWindowTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worklist whose first file's JPEG 2000 data sends the decoder into an endless loop (a fuzzing find,
 * stopped by the decode time limit, 10 s in the tests): that row says why, and every other row is
 * still predicted.
 */
class HostileWorklistTest extends ViewerTestBase {

    @Start
    void start(Stage stage) throws Exception {
        Path dir = Files.createTempDirectory("hostile-worklist");
        Files.copy(Fixtures.root().resolve("src/test/resources/dev/gradcamviewer/imaging/dicom/DicomParserFuzzTestInputs/readsOrRefuses/j2k-decoder-loops-for-ever.dcm"),
                dir.resolve("a-loops.dcm"));
        Files.copy(Fixtures.sample("phantom-01-pneumonia.png"), dir.resolve("b.png"));
        Files.copy(Fixtures.sample("phantom-02-normal.png"), dir.resolve("c.png"));
        open(stage, List.of(dir));
    }

    @Test
    void aFileWhoseDecodeNeverEndsIsMarkedAndTheRestArePredicted() {
        waitUntil(() -> window.worklist().items().stream().filter(i -> !i.name().startsWith("a-")).allMatch(i -> i.prediction.get() != null),
                "the other rows predicted");
        WorkItem hostile = window.worklist().items().stream().filter(i -> i.name().startsWith("a-")).findFirst().orElseThrow();
        waitUntil(() -> !hostile.problem.get().isEmpty(), "the hostile row's reason");
        assertTrue(hostile.problem.get().contains("did not finish within"), hostile.problem.get());
    }
}
