package dev.gradcamviewer.files;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A path as the user reads it. A name whose bytes are not valid UTF-8 (a Latin-1 'ÿ' from an old
 * share) reaches Java with U+FFFD in their place, so two such names could read the same: it is shown
 * by its bytes instead, each byte that is not UTF-8 as {@code \xNN}. The bytes come from the path's
 * URI, which keeps them. JDK only: every package may use it.
 */
public final class PathNames {
    private PathNames() { }

    public static String shown(Path p) {
        String s = p.toString();
        if (s.indexOf('\uFFFD') < 0) return s;
        String raw = p.toAbsolutePath().toUri().getRawPath();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return escaped(bytes.toByteArray());
    }

    /** UTF-8 text, each byte that does not decode written as \xNN. */
    static String escaped(byte[] b) {
        StringBuilder out = new StringBuilder();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int i = 0;
        while (i < b.length) {
            int n = sequenceLength(b[i] & 0xff);
            if (n > 0 && i + n <= b.length) {
                try {
                    CharBuffer c = utf8.decode(ByteBuffer.wrap(b, i, n));
                    out.append(c);
                    i += n;
                    continue;
                } catch (CharacterCodingException e) {
                    // not UTF-8 here: escaped below
                }
            }
            out.append(String.format("\\x%02X", b[i] & 0xff));
            i++;
        }
        return out.toString();
    }

    private static int sequenceLength(int lead) {
        if (lead < 0x80) return 1;
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 0;
    }

    /** A name that can be one file name in any folder and never leave it: anything but letters, digits, '.', '_' and '-' becomes '_', as do runs of dots. */
    public static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
