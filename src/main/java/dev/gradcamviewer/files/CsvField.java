package dev.gradcamviewer.files;

/** A CSV field as RFC 4180 writes it: in quotes, its quotes doubled, when it holds a comma, a quote, a CR or an LF. */
public final class CsvField {
    private CsvField() { }

    public static String quote(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
