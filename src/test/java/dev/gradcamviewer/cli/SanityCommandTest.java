package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gradcam-viewer sanity on three samples: sanity.csv per step, a strip per image, a verdict per method; too few images refused. */
class SanityCommandTest extends CapturedConsole {
    @Test
    void writesTheStepsTheStripsAndAVerdict(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sanity");
        int code = GradcamCommand.execute("sanity", "--method", "gradcam", "--out", out.toString(), Fixtures.sample("phantom-01-pneumonia.png").toString(),
                Fixtures.sample("phantom-02-normal.png").toString(), Fixtures.sample("phantom-08-pneumonia.bmp").toString());
        assertEquals(0, code, err() + out());
        List<String> rows = Files.readAllLines(out.resolve("sanity.csv"));
        assertEquals("method,randomised_down_to,spearman,ssim,baseline_ssim", rows.get(0));
        assertEquals(1 + 7, rows.size(), "the trained model and six blocks: " + rows);
        assertTrue(rows.get(1).startsWith("gradcam,trained,1.000000,1.000000,"), rows.get(1));
        assertTrue(rows.get(7).startsWith("gradcam,resnet_blocks.0,"), rows.get(7));
        assertTrue(out().startsWith("gradcam at resnet_blocks.4: passes: with every block randomised (down to resnet_blocks.0)"), out());
        try (var s = Files.list(out.resolve("strips"))) {
            assertEquals(3, s.filter(p -> p.toString().endsWith(".png")).count());
        }
        var strip = javax.imageio.ImageIO.read(out.resolve("strips/phantom-01-pneumonia.png").toFile());
        assertEquals(7 * 96, strip.getWidth(), "a tile per step");
    }

    @Test
    void oneImageIsNotEnoughForTheBaseline(@TempDir Path dir) {
        int code = GradcamCommand.execute("sanity", "--out", dir.resolve("s").toString(), Fixtures.sample("phantom-01-pneumonia.png").toString());
        assertEquals(2, code);
        assertTrue(err().contains("needs at least two images"), err());
        assertTrue(!Files.exists(dir.resolve("s")), "nothing is written");
    }
}
