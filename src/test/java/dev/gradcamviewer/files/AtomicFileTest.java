package dev.gradcamviewer.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overlays, CSVs and review files are all written this way. */
class AtomicFileTest {
    private static void write(Path p, String text) throws IOException {
        AtomicFile.write(p, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anExistingFileKeepsItsModeAndANewOneFollowsTheUmask(@TempDir Path dir) throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        Path csv = dir.resolve("verdicts.csv");
        write(csv, "a");
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(csv));
        Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("rw-rw----"));
        write(csv, "b");
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(csv)));
        assertEquals("b", Files.readString(csv));
    }

    @Test
    void aLinkIsWrittenThroughEvenAChainOfThem(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("real.png");
        Path middle = Files.createSymbolicLink(dir.resolve("middle.png"), target.getFileName());
        Path link = Files.createSymbolicLink(dir.resolve("link.png"), middle.getFileName());
        write(link, "new");
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(middle));
        assertEquals("new", Files.readString(target));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("summary.csv");
        write(f, "old");
        assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
