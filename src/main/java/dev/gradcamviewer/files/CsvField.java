package dev.gradcamviewer.files;

/** A CSV field as RFC 4180 writes it: in quotes, its quotes doubled, when it holds a comma, a quote, a CR or an LF. */
public final class CsvField {
    private CsvField() { }

    public static String quote(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * The fields of one CSV line as RFC 4180 reads them (quoted fields may hold commas and doubled
     * quotes; not line breaks: a record is one line). Null when a quote is left open.
     */
    public static java.util.List<String> split(String line) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"' && f.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                out.add(wasQuoted ? f.toString() : f.toString().trim());
                f.setLength(0);
                wasQuoted = false;
            } else {
                f.append(c);
            }
        }
        if (quoted) return null;
        out.add(wasQuoted ? f.toString() : f.toString().trim());
        return out;
    }
}
