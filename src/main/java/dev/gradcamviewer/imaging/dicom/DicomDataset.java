package dev.gradcamviewer.imaging.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The attributes of one DICOM data set (or sequence item), their values still as bytes in the file.
 * Text is decoded with the file's character set (ASCII, ISO 8859-1 or UTF-8), numbers from their
 * value representation.
 */
public final class DicomDataset {
    /** One attribute: its value representation and where its value lies, or the items of a sequence. */
    record Element(String vr, byte[] data, int offset, int length, List<DicomDataset> items) { }

    private final Map<Integer, Element> elements = new HashMap<>();
    private final ByteOrder order;
    private Charset charset;

    DicomDataset(ByteOrder order, Charset charset) {
        this.order = order;
        this.charset = charset;
    }

    void put(int tag, Element e) {
        elements.put(tag, e);
        if (tag == Tag.SPECIFIC_CHARACTER_SET) charset = charsetOf(string(tag));
    }

    Charset charset() { return charset; }

    public boolean has(int tag) { return elements.containsKey(tag); }

    Element element(int tag) { return elements.get(tag); }

    /** The first value of a text attribute, trimmed; null when absent or empty. */
    public String string(int tag) {
        List<String> v = strings(tag);
        return v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    /** Every value of a text attribute (split at backslashes), trimmed. */
    public List<String> strings(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.data() == null || e.length() == 0) return List.of();
        String s = new String(e.data(), e.offset(), e.length(), charset);
        List<String> out = new ArrayList<>();
        for (String part : s.split("\\\\", -1)) out.add(part.replace("\0", "").trim());
        return out;
    }

    /** Every value of a numeric attribute: binary (US, SS, UL, SL, FL, FD) or text (DS, IS). */
    public double[] numbers(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.data() == null || e.length() == 0) return new double[0];
        ByteBuffer b = ByteBuffer.wrap(e.data(), e.offset(), e.length()).slice().order(order);
        switch (e.vr()) {
            case "US": return fill(e.length() / 2, i -> b.getShort(2 * i) & 0xffff);
            case "SS": return fill(e.length() / 2, i -> b.getShort(2 * i));
            case "UL": return fill(e.length() / 4, i -> b.getInt(4 * i) & 0xffffffffL);
            case "SL": return fill(e.length() / 4, i -> b.getInt(4 * i));
            case "FL": return fill(e.length() / 4, i -> b.getFloat(4 * i));
            case "FD": return fill(e.length() / 8, i -> b.getDouble(8 * i));
            default:
                List<String> parts = strings(tag);
                List<Double> out = new ArrayList<>();
                for (String p : parts) {
                    if (p.isEmpty()) continue;
                    try {
                        out.add(Double.parseDouble(p));
                    } catch (NumberFormatException ex) {
                        return new double[0];
                    }
                }
                return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    public OptionalDouble number(int tag) {
        double[] v = numbers(tag);
        return v.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(v[0]);
    }

    public OptionalInt integer(int tag) {
        OptionalDouble v = number(tag);
        return v.isPresent() ? OptionalInt.of((int) v.getAsDouble()) : OptionalInt.empty();
    }

    /** A 16-bit table (LUT Data): each value unsigned. */
    public int[] words(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.data() == null) return new int[0];
        ByteBuffer b = ByteBuffer.wrap(e.data(), e.offset(), e.length()).slice().order(order);
        int[] out = new int[e.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = b.getShort(2 * i) & 0xffff;
        return out;
    }

    /** The items of a sequence; empty when absent. */
    public List<DicomDataset> items(int tag) {
        Element e = elements.get(tag);
        return e == null || e.items() == null ? List.of() : e.items();
    }

    private interface IndexToDouble { double at(int i); }

    private static double[] fill(int n, IndexToDouble f) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = f.at(i);
        return out;
    }

    /** The character sets radiographs use; anything else is read as ISO 8859-1, which never fails. */
    static Charset charsetOf(String term) {
        if (term == null) return StandardCharsets.US_ASCII;
        if (term.contains("ISO_IR 192")) return StandardCharsets.UTF_8;
        return StandardCharsets.ISO_8859_1;
    }
}
