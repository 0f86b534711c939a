package dev.gradcamviewer.imaging.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;

/**
 * DICOM files byte by byte (explicit VR little endian), for the hostile and broken files the
 * tests make: every length, count and attribute as the test says, agreeing with each other or not.
 */
public final class DicomBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static DicomBytes dataset() { return new DicomBytes(); }

    /** A Part 10 file: preamble, meta information naming {@code syntax}, then {@code dataset} as given. */
    public static byte[] file(String syntax, byte[] dataset) {
        DicomBytes meta = new DicomBytes();
        meta.text(0x00020010, "UI", syntax + (syntax.length() % 2 == 1 ? "\0" : ""));
        byte[] m = meta.bytes();
        DicomBytes group = new DicomBytes();
        group.element(0x00020000, "UL", le(m.length));
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(new byte[128]);
        f.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        f.writeBytes(group.bytes());
        f.writeBytes(m);
        f.writeBytes(dataset);
        return f.toByteArray();
    }

    /** A grayscale image's attributes (Samples 1, MONOCHROME2, unsigned) before its pixel data. */
    public static DicomBytes image(int rows, int columns, int bitsAllocated) {
        return dataset().us(0x00280002, 1).text(0x00280004, "CS", "MONOCHROME2").us(0x00280010, rows).us(0x00280011, columns)
                .us(0x00280100, bitsAllocated).us(0x00280101, bitsAllocated).us(0x00280102, bitsAllocated - 1).us(0x00280103, 0);
    }

    public static byte[] deflate(byte[] data, long zerosAfter) {
        Deflater d = new Deflater(9, true);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        d.setInput(data);
        while (!d.needsInput()) o.write(buf, 0, d.deflate(buf));
        byte[] zeros = new byte[1 << 20];
        for (long left = zerosAfter; left > 0; left -= zeros.length) {
            d.setInput(zeros, 0, (int) Math.min(zeros.length, left));
            while (!d.needsInput()) o.write(buf, 0, d.deflate(buf));
        }
        d.finish();
        while (!d.finished()) o.write(buf, 0, d.deflate(buf));
        d.end();
        return o.toByteArray();
    }

    public DicomBytes element(int tag, String vr, byte[] value) {
        tag(tag);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (List.of("OB", "OW", "SQ", "UN", "UT", "OF").contains(vr)) {
            out.writeBytes(new byte[2]);
            out.writeBytes(le(value.length));
        } else {
            out.writeBytes(le16(value.length));
        }
        out.writeBytes(value);
        return this;
    }

    public DicomBytes us(int tag, int v) { return element(tag, "US", le16(v)); }

    public DicomBytes text(int tag, String vr, String v) {
        String even = v.length() % 2 == 1 ? v + " " : v;
        return element(tag, vr, even.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** An OB attribute whose length field says {@code claimed} (0xFFFFFFFF is undefined), followed by {@code value}. */
    public DicomBytes claimed(int tag, String vr, long claimed, byte[] value) {
        tag(tag);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[2]);
        out.writeBytes(le((int) claimed));
        out.writeBytes(value);
        return this;
    }

    /** {@code depth} sequences of undefined length, each the only item of the one above. */
    public DicomBytes nested(int depth) {
        for (int i = 0; i < depth; i++) {
            claimed(0x0040A730, "SQ", 0xFFFFFFFFL, new byte[0]);
            tag(0xFFFEE000);
            out.writeBytes(le(-1));
        }
        for (int i = 0; i < depth; i++) {
            tag(0xFFFEE00D);
            out.writeBytes(le(0));
            tag(0xFFFEE0DD);
            out.writeBytes(le(0));
        }
        return this;
    }

    public DicomBytes nativePixels(byte[] pixels) { return element(0x7FE00010, pixels.length % 2 == 0 ? "OW" : "OB", pixels); }

    /** Encapsulated pixel data: an empty offset table, the fragments, the delimiter. */
    public DicomBytes fragments(byte[]... fragments) {
        claimed(0x7FE00010, "OB", 0xFFFFFFFFL, new byte[0]);
        tag(0xFFFEE000);
        out.writeBytes(le(0));
        for (byte[] f : fragments) {
            tag(0xFFFEE000);
            out.writeBytes(le(f.length));
            out.writeBytes(f);
        }
        tag(0xFFFEE0DD);
        out.writeBytes(le(0));
        return this;
    }

    public byte[] bytes() { return out.toByteArray(); }

    private void tag(int tag) {
        out.writeBytes(le16(tag >>> 16));
        out.writeBytes(le16(tag & 0xffff));
    }

    static byte[] le(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }

    static byte[] le16(int v) { return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array(); }

    /** An RLE frame of {@code segments} segments, each given as its PackBits bytes. */
    public static byte[] rle(byte[]... segments) {
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(segments.length);
        int at = 64;
        for (byte[] s : segments) {
            header.putInt(at);
            at += s.length;
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(header.array());
        for (byte[] s : segments) o.writeBytes(s);
        return o.toByteArray();
    }

    /** PackBits of {@code n} bytes of the value {@code v}: replicate runs of 128. */
    public static byte[] packedRun(int n, int v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int left = n; left > 0; left -= 128) {
            int k = Math.min(128, left);
            if (k == 1) {
                o.write(0);
            } else {
                o.write(1 - k);
            }
            o.write(v);
        }
        return o.toByteArray();
    }
}
