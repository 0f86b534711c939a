package dev.gradcamviewer.files;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PathNamesTest {
    @Test
    void bytesThatAreNotUtf8AreEscapedAndTheRestDecoded() {
        byte[] name = {'a', (byte) 0xFF, 'b', (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82};
        assertEquals("a\\xFFbé\\xE2\\x82", PathNames.escaped(name));
        assertEquals("plain é.png", PathNames.escaped("plain é.png".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aValidNameIsShownAsItIs() {
        assertEquals("images/chest é.png", PathNames.shown(Path.of("images/chest é.png")));
    }
}
