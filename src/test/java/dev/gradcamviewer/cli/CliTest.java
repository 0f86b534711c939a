package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }

    private String err() { return err.toString(StandardCharsets.UTF_8); }

    @Test
    void layersMarksTappedLayersAndTheDefault() {
        assertEquals(0, GradcamCommand.execute("layers"));
        String text = out();
        assertTrue(text.contains("default layer: base_model.4"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("* ") && l.contains("(4): ResNetBlock") && l.contains("<- default layer")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  ") && l.contains("(5): Conv2d(256, 1, kernel_size=(8, 8)")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("* ") && l.contains("(conv1): Conv2d(3, 16")), text);
    }

    @Test
    void predictPrintsOneCsvLinePerImageOfAFolder() {
        int code = GradcamCommand.execute("predict", Fixtures.root().resolve("models/samples").toString());
        assertEquals(0, code, err());
        String[] lines = out().strip().split("\n");
        assertEquals("file,predicted,probability,p_Normal,p_Pneumonia", lines[0]);
        assertEquals(11, lines.length);
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            String expected = f[0].contains("pneumonia") ? "Pneumonia" : "Normal";
            assertEquals(expected, f[1], lines[i]);
            assertEquals(1.0, Double.parseDouble(f[3]) + Double.parseDouble(f[4]), 1e-5);
        }
    }

    @Test
    void aBadImageIsReportedAndSkipped(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not an image");
        int code = GradcamCommand.execute("predict", broken.toString(), Fixtures.sample("phantom-02-normal.png").toString());
        assertEquals(1, code);
        assertTrue(out().contains("phantom-02-normal.png,Normal"), out());
        assertTrue(err().contains("broken.png"), err());
        assertEquals(1, err().strip().lines().count(), err());
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
}
