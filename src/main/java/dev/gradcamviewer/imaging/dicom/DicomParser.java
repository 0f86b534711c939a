package dev.gradcamviewer.imaging.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a DICOM Part 10 file (or a bare data set without the preamble) into its attributes: the
 * file meta information, then the data set in the file's transfer syntax (implicit or explicit VR,
 * little or big endian, deflated), sequences of defined and undefined length, and the pixel data,
 * native or encapsulated in fragments. Elements after the pixel data are not read.
 */
final class DicomParser {
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");
    private static final int UNDEFINED = -1;

    /** The parsed file: its transfer syntax UID, the data set, and the pixel data as found. */
    record Parsed(String transferSyntax, DicomDataset dataset, PixelData pixels) { }

    /** Native pixel bytes, or the fragments of an encapsulated stream with its offset table. */
    record PixelData(byte[] data, int offset, int length, ByteOrder order, List<byte[]> fragments, int[] offsetTable) {
        boolean encapsulated() { return fragments != null; }
    }

    private ByteBuffer buf;
    private boolean explicit;
    private PixelData pixels;

    static boolean hasPreamble(byte[] head) {
        return head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
    }

    static Parsed parse(byte[] bytes) throws DicomException {
        return new DicomParser().run(bytes);
    }

    private Parsed run(byte[] bytes) throws DicomException {
        try {
            String ts;
            int start;
            DicomDataset meta = new DicomDataset(ByteOrder.LITTLE_ENDIAN, StandardCharsets.US_ASCII);
            if (hasPreamble(bytes)) {
                buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                buf.position(132);
                explicit = true;
                while (buf.remaining() >= 8 && (buf.getShort(buf.position()) & 0xffff) == 0x0002) {
                    readElement(meta, bytes);
                }
                ts = meta.string(Tag.TRANSFER_SYNTAX);
                start = buf.position();
                if (ts == null) ts = guessSyntax(bytes, start);
            } else {
                start = 0;
                ts = guessSyntax(bytes, 0);
                if (ts == null) throw new DicomException("not a DICOM file (no 'DICM' marker and no data set at its start)");
            }
            byte[] body = bytes;
            if (TransferSyntax.DEFLATED_LE.uid.equals(ts)) {
                body = inflate(bytes, start);
                start = 0;
            }
            ByteOrder order = TransferSyntax.EXPLICIT_BE.uid.equals(ts) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            explicit = !TransferSyntax.IMPLICIT_LE.uid.equals(ts);
            buf = ByteBuffer.wrap(body).order(order);
            buf.position(start);
            DicomDataset ds = new DicomDataset(order, StandardCharsets.US_ASCII);
            while (buf.remaining() >= 8 && pixels == null) {
                if (readElement(ds, body) == Tag.ITEM_END) break;
            }
            return new Parsed(ts, ds, pixels);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new DicomException("the file ends in the middle of an attribute (truncated or not DICOM)", e);
        }
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

    private static byte[] inflate(byte[] bytes, int start) throws DicomException {
        Inflater inf = new Inflater(true);
        inf.setInput(bytes, start, bytes.length - start);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 3);
        byte[] chunk = new byte[1 << 16];
        try {
            while (!inf.finished()) {
                int n = inf.inflate(chunk);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new DicomException("the deflated data set is damaged: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        return out.toByteArray();
    }

    /** Reads one element into {@code ds}; returns its tag. */
    private int readElement(DicomDataset ds, byte[] bytes) throws DicomException {
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
            ds.put(tag, new DicomDataset.Element("SQ", null, 0, 0, sequence(length, ds, vr.equals("UN"))));
            return tag;
        }
        if (length < 0 || length > buf.remaining()) {
            throw new DicomException("attribute " + Tag.text(tag) + " claims " + (length & 0xffffffffL) + " bytes but the file has "
                    + buf.remaining() + " left (truncated or damaged)");
        }
        ds.put(tag, new DicomDataset.Element(vr, bytes, buf.arrayOffset() + buf.position(), length, null));
        buf.position(buf.position() + length);
        return tag;
    }

    private PixelData nativePixels(byte[] bytes, int length) {
        int available = Math.min(length & 0x7fffffff, buf.remaining());
        PixelData p = new PixelData(bytes, buf.position(), available, buf.order(), null, null);
        buf.position(buf.position() + available);
        return p;
    }

    private PixelData encapsulated(byte[] bytes) throws DicomException {
        List<byte[]> fragments = new ArrayList<>();
        int[] table = new int[0];
        boolean first = true;
        while (buf.remaining() >= 8) {
            int tag = (buf.getShort() & 0xffff) << 16 | (buf.getShort() & 0xffff);
            int len = buf.getInt();
            if (tag == Tag.SEQUENCE_END) break;
            if (tag != Tag.ITEM || len < 0) throw new DicomException("the compressed pixel data is damaged (expected a fragment, found " + Tag.text(tag) + ")");
            int n = Math.min(len, buf.remaining());
            byte[] f = new byte[n];
            buf.get(f);
            if (first) {
                table = new int[n / 4];
                ByteBuffer t = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < table.length; i++) table[i] = t.getInt(4 * i);
                first = false;
            } else {
                fragments.add(f);
            }
        }
        return new PixelData(bytes, 0, 0, buf.order(), fragments, table);
    }

    /**
     * The items of a sequence of the given length (or undefined). A sequence met as UN is
     * implicit VR little endian inside, as the standard says.
     */
    private List<DicomDataset> sequence(int length, DicomDataset parent, boolean unknown) throws DicomException {
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
                int tag = (buf.getShort() & 0xffff) << 16 | (buf.getShort() & 0xffff);
                int itemLength = buf.getInt();
                if (tag == Tag.SEQUENCE_END) break;
                if (tag != Tag.ITEM) throw new DicomException("a sequence is damaged (expected an item, found " + Tag.text(tag) + ")");
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
        }
        return items;
    }
}
