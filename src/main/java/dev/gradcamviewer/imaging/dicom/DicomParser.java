package dev.gradcamviewer.imaging.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a DICOM Part 10 file (or a bare data set without the preamble) into its attributes: the
 * file meta information, then the data set in the file's transfer syntax (implicit or explicit VR,
 * little or big endian, deflated), sequences of defined and undefined length, and the pixel data,
 * native or encapsulated in fragments. Elements after the pixel data are not read.
 *
 * <p>Every length is checked against the bytes left before it is used, sequences may nest at most
 * {@link #MAX_DEPTH} deep, a file may hold at most {@link #MAX_ELEMENTS} attributes and items, and a
 * deflated data set is inflated only as far as its image needs ({@link InflatedBody}): a hostile file
 * costs a message, not the process's stack or memory.
 */
final class DicomParser {
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");
    private static final int UNDEFINED = -1;
    /** Deeper than any real object (structured reports nest about a dozen levels). */
    static final int MAX_DEPTH = 64;
    /** Attributes and items in one file; radiographs have hundreds, large reports tens of thousands. */
    static final int MAX_ELEMENTS = 1_000_000;

    /** The parsed file: its transfer syntax UID, the data set, and the pixel data as found. */
    record Parsed(String transferSyntax, DicomDataset dataset, PixelData pixels) { }

    /**
     * Native pixel bytes, or the fragments of an encapsulated stream with its offset table;
     * {@code truncatedFragment} is the index (in {@code fragments}) of a fragment the file ends
     * inside, or -1; {@code delimited} whether the sequence delimiter was found.
     */
    record PixelData(byte[] data, int offset, int length, ByteOrder order, List<byte[]> fragments, int[] offsetTable,
                     int truncatedFragment, boolean delimited) {
        static PixelData nativeBytes(byte[] data, int offset, int length, ByteOrder order) {
            return new PixelData(data, offset, length, order, null, null, -1, true);
        }

        boolean encapsulated() { return fragments != null; }
    }

    /** A length or structure that runs past the end of the bytes at hand. */
    static final class Truncated extends DicomException {
        Truncated(String message) { super(message); }
    }

    private ByteBuffer buf;
    private boolean explicit;
    private PixelData pixels;
    private int depth;
    private int elements;

    static boolean hasPreamble(byte[] head) {
        return head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
    }

    static Parsed parse(byte[] bytes) throws DicomException {
        String ts;
        int start;
        if (hasPreamble(bytes)) {
            DicomParser metaParser = new DicomParser();
            DicomDataset meta = new DicomDataset(ByteOrder.LITTLE_ENDIAN, StandardCharsets.US_ASCII);
            start = metaParser.readMeta(bytes, meta);
            ts = meta.string(Tag.TRANSFER_SYNTAX);
            if (ts == null) ts = guessSyntax(bytes, start);
            if (ts == null) throw new DicomException("its file meta information names no transfer syntax and no data set follows it");
        } else {
            start = 0;
            ts = guessSyntax(bytes, 0);
            if (ts == null) throw new DicomException("not a DICOM file (no 'DICM' marker and no data set at its start)");
        }
        if (TransferSyntax.DEFLATED_LE.uid.equals(ts)) return parseDeflated(bytes, start, ts);
        return new DicomParser().body(bytes, start, ts);
    }

    /**
     * A deflated data set, inflated a step at a time: first far enough to reach the pixel data (at
     * most {@link InflatedBody#MAX_ATTRIBUTES} of attributes), then as far as the first frame needs
     * by the image's own attributes; what follows is never inflated.
     */
    private static Parsed parseDeflated(byte[] bytes, int start, String ts) throws DicomException {
        InflatedBody body = new InflatedBody(bytes, start);
        int want = 1 << 20;
        while (true) {
            byte[] prefix = body.upTo(want);
            try {
                Parsed p = new DicomParser().body(prefix, 0, ts);
                if (p.pixels() != null && p.pixels().encapsulated()) {
                    throw new DicomException("its pixel data is encapsulated (compressed) inside a deflated data set, which the standard does not allow");
                }
                if (p.pixels() == null || body.ended()) return p;
                long need = (long) p.pixels().offset() + Math.min(p.pixels().length(), Math.max(0, firstFrameBytes(p.dataset())));
                if (need <= prefix.length) return p;
                if (need > InflatedBody.MAX_INFLATED) {
                    throw new DicomException(String.format(Locale.ROOT, "its image needs %,d bytes once inflated: more than this program reads (%,d)",
                            need, InflatedBody.MAX_INFLATED));
                }
                want = (int) need;
            } catch (Truncated t) {
                if (body.ended()) throw t;
                if (want >= InflatedBody.MAX_ATTRIBUTES) {
                    throw new DicomException(String.format(Locale.ROOT, "its deflated data set holds more than %,d MB of attributes before any pixel data "
                            + "(a deflate bomb or a damaged file): not read", InflatedBody.MAX_ATTRIBUTES >> 20));
                }
                want = (int) Math.min((long) want * 4, InflatedBody.MAX_ATTRIBUTES);
            }
        }
    }

    /** One frame's bytes by the image's attributes (an upper bound; -1 when they are missing). */
    static long firstFrameBytes(DicomDataset ds) {
        var rows = ds.integer(Tag.ROWS);
        var columns = ds.integer(Tag.COLUMNS);
        if (rows.isEmpty() || columns.isEmpty()) return -1;
        long bits = (long) Math.max(1, ds.integer(Tag.SAMPLES_PER_PIXEL).orElse(1)) * Math.max(1, ds.integer(Tag.BITS_ALLOCATED).orElse(16));
        return ((long) rows.getAsInt() * columns.getAsInt() * bits + 7) / 8;
    }

    /** Reads group 0002; returns where the data set starts. */
    private int readMeta(byte[] bytes, DicomDataset meta) throws DicomException {
        buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(132);
        explicit = true;
        try {
            while (buf.remaining() >= 8 && (buf.getShort(buf.position()) & 0xffff) == 0x0002) readElement(meta, bytes);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new Truncated("the file ends in its file meta information (truncated or not DICOM)");
        }
        return buf.position();
    }

    private Parsed body(byte[] body, int start, String ts) throws DicomException {
        ByteOrder order = TransferSyntax.EXPLICIT_BE.uid.equals(ts) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        explicit = !TransferSyntax.IMPLICIT_LE.uid.equals(ts);
        buf = ByteBuffer.wrap(body).order(order);
        buf.position(start);
        DicomDataset ds = new DicomDataset(order, StandardCharsets.US_ASCII);
        try {
            while (buf.remaining() >= 8 && pixels == null) {
                if (readElement(ds, body) == Tag.ITEM_END) break;
            }
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new Truncated("the file ends in the middle of an attribute (truncated or not DICOM)");
        }
        return new Parsed(ts, ds, pixels);
    }

    /**
     * Without file meta information: explicit VR when two capital letters follow the first tag,
     * big endian when the first group number reads as such; null when the start is no data set.
     */
    private static String guessSyntax(byte[] b, int at) {
        if (b.length < at + 8) return null;
        int groupLe = (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
        int groupBe = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
        boolean vr = Character.isUpperCase(b[at + 4]) && Character.isUpperCase(b[at + 5]);
        if (groupLe == 0x0008 || groupLe == 0x0002) return vr ? TransferSyntax.EXPLICIT_LE.uid : TransferSyntax.IMPLICIT_LE.uid;
        if (groupBe == 0x0008 && vr) return TransferSyntax.EXPLICIT_BE.uid;
        return null;
    }

    private void count() throws DicomException {
        if (++elements > MAX_ELEMENTS) {
            throw new DicomException(String.format(Locale.ROOT, "it holds more than %,d attributes and items (a damaged or hostile file): not read", MAX_ELEMENTS));
        }
    }

    /** Reads one element into {@code ds}; returns its tag. */
    private int readElement(DicomDataset ds, byte[] bytes) throws DicomException {
        count();
        int group = buf.getShort() & 0xffff;
        int elem = buf.getShort() & 0xffff;
        int tag = group << 16 | elem;
        if (group == 0xFFFE) {
            buf.getInt();
            return tag;
        }
        String vr;
        int length;
        boolean explicitHere = explicit || group == 0x0002;
        if (explicitHere && Character.isUpperCase(buf.get(buf.position())) && Character.isUpperCase(buf.get(buf.position() + 1))) {
            vr = new String(new byte[] {buf.get(), buf.get()}, StandardCharsets.US_ASCII);
            if (LONG_VRS.contains(vr)) {
                buf.getShort();
                length = buf.getInt();
            } else {
                length = buf.getShort() & 0xffff;
            }
        } else {
            vr = ImplicitVr.of(tag);
            length = buf.getInt();
        }
        if (tag == Tag.PIXEL_DATA) {
            pixels = length == UNDEFINED ? encapsulated(bytes) : nativePixels(bytes, length);
            return tag;
        }
        if (length == UNDEFINED || vr.equals("SQ")) {
            ds.put(tag, new DicomDataset.Element("SQ", null, 0, 0, sequence(tag, length, ds, vr.equals("UN"))));
            return tag;
        }
        requireLeft(length, "attribute " + Tag.text(tag));
        ds.put(tag, new DicomDataset.Element(vr, bytes, buf.arrayOffset() + buf.position(), length, null));
        buf.position(buf.position() + length);
        return tag;
    }

    private void requireLeft(int length, String what) throws Truncated {
        if (length < 0 || length > buf.remaining()) {
            throw new Truncated(what + " claims " + (length & 0xffffffffL) + " bytes but the file has " + buf.remaining()
                    + " left (truncated or damaged)");
        }
    }

    /** The value as far as the file holds it (the reader checks it against what a frame needs). */
    private PixelData nativePixels(byte[] bytes, int length) {
        int available = (int) Math.min(length & 0xffffffffL, buf.remaining());
        PixelData p = PixelData.nativeBytes(bytes, buf.position(), available, buf.order());
        buf.position(buf.position() + available);
        return p;
    }

    private PixelData encapsulated(byte[] bytes) throws DicomException {
        List<byte[]> fragments = new ArrayList<>();
        int[] table = new int[0];
        boolean first = true;
        int truncated = -1;
        boolean delimited = false;
        while (buf.remaining() >= 8) {
            count();
            int tag = (buf.getShort() & 0xffff) << 16 | (buf.getShort() & 0xffff);
            int len = buf.getInt();
            if (tag == Tag.SEQUENCE_END) {
                delimited = true;
                break;
            }
            if (tag != Tag.ITEM || len < 0) throw new DicomException("the compressed pixel data is damaged (expected a fragment, found " + Tag.text(tag) + ")");
            int n = Math.min(len, buf.remaining());
            if (n < len) truncated = first ? 0 : fragments.size();
            byte[] f = new byte[n];
            buf.get(f);
            if (first) {
                if (n < len) throw new Truncated("the file ends inside the compressed pixel data's offset table");
                table = new int[n / 4];
                ByteBuffer t = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < table.length; i++) table[i] = t.getInt(4 * i);
                first = false;
            } else {
                fragments.add(f);
            }
        }
        if (!delimited && truncated < 0 && !fragments.isEmpty()) truncated = fragments.size() - 1;
        return new PixelData(bytes, 0, 0, buf.order(), fragments, table, truncated, delimited);
    }

    /**
     * The items of a sequence of the given length (or undefined). A sequence met as UN is
     * implicit VR little endian inside, as the standard says.
     */
    private List<DicomDataset> sequence(int tag, int length, DicomDataset parent, boolean unknown) throws DicomException {
        if (++depth > MAX_DEPTH) {
            throw new DicomException("its sequences are nested more than " + MAX_DEPTH + " deep (at " + Tag.text(tag) + "): a damaged or hostile file");
        }
        if (length != UNDEFINED) requireLeft(length, "sequence " + Tag.text(tag));
        boolean wasExplicit = explicit;
        ByteOrder wasOrder = buf.order();
        if (unknown) {
            explicit = false;
            buf.order(ByteOrder.LITTLE_ENDIAN);
        }
        List<DicomDataset> items = new ArrayList<>();
        long end = length == UNDEFINED ? Long.MAX_VALUE : (long) buf.position() + length;
        try {
            while (buf.position() < end && buf.remaining() >= 8) {
                count();
                int itemTag = (buf.getShort() & 0xffff) << 16 | (buf.getShort() & 0xffff);
                int itemLength = buf.getInt();
                if (itemTag == Tag.SEQUENCE_END) break;
                if (itemTag != Tag.ITEM) throw new DicomException("a sequence " + Tag.text(tag) + " is damaged (expected an item, found " + Tag.text(itemTag) + ")");
                if (itemLength != UNDEFINED) requireLeft(itemLength, "an item of " + Tag.text(tag));
                DicomDataset item = new DicomDataset(buf.order(), parent.charset());
                long itemEnd = itemLength == UNDEFINED ? Long.MAX_VALUE : (long) buf.position() + itemLength;
                PixelData outer = pixels;
                while (buf.position() < itemEnd && buf.remaining() >= 8) {
                    if (readElement(item, buf.array()) == Tag.ITEM_END) break;
                }
                pixels = outer; // pixel data inside an item (an icon) is not the image's
                items.add(item);
            }
        } finally {
            explicit = wasExplicit;
            buf.order(wasOrder);
            depth--;
        }
        return items;
    }
}
