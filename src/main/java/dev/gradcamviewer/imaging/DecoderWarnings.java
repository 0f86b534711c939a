package dev.gradcamviewer.imaging;

import java.util.Locale;

/** An image decoder's warning as the user reads it; a truncated stream says so in words {@link DecodedImage#truncated()} knows. */
public final class DecoderWarnings {
    private DecoderWarnings() { }

    public static String text(String warning) {
        String w = warning == null ? "" : warning.trim();
        String lower = w.toLowerCase(Locale.ROOT);
        if (lower.contains("premature end") || lower.contains("truncated") || lower.contains("end of file") || lower.contains("eof")) {
            return "the file is truncated: part of the image is missing (" + w + ")";
        }
        return "decoder warning: " + w;
    }
}
