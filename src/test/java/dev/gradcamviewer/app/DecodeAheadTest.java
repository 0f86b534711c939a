package dev.gradcamviewer.app;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.ImageDecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The first image decoded ahead: within the pixel limit only; a file it cannot read is left to be decoded (and refused) in its turn. */
class DecodeAheadTest {
    @Test
    void decodesWithinTheLimitAndLeavesLargerOrUnreadableFilesForLater(@TempDir Path dir) throws Exception {
        Path sample = Fixtures.sample("phantom-10-pneumonia-small.jpg"); // 300 x 400
        assertEquals(300, DecodeAhead.startUpTo(sample, 300 * 400).image().width());
        assertNull(DecodeAhead.startUpTo(sample, 300 * 400 - 1).image());
        Path broken = Files.writeString(dir.resolve("broken.png"), "not an image");
        assertNull(DecodeAhead.startUpTo(broken, 1_000_000).image());
        assertThrows(ImageDecodeException.class, () -> DecodeAhead.start(broken).image());
    }
}
