package dev.gradcamviewer.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped samples are told from the user's folders, so that the viewer never writes its verdicts among them. */
class BundledFilesTest {
    @Test
    void theShippedSamplesAreShippedAndOtherFoldersAreNot(@TempDir Path dir) throws Exception {
        Path models = Files.createDirectories(dir.resolve("install/models"));
        Files.writeString(models.resolve(BundledFiles.DEMO_MODEL), "a model");
        Path samples = Files.createDirectories(models.resolve("samples"));
        Path mine = Files.createDirectories(dir.resolve("install/models-of-mine"));
        String before = System.setProperty("gradcam.models", models.toString());
        try {
            assertTrue(BundledFiles.isShipped(samples));
            assertTrue(BundledFiles.isShipped(models.resolve("samples/../samples")));
            assertFalse(BundledFiles.isShipped(mine), "a sibling whose name starts the same is not inside");
            assertFalse(BundledFiles.isShipped(dir));
        } finally {
            if (before == null) System.clearProperty("gradcam.models");
            else System.setProperty("gradcam.models", before);
        }
    }
}
