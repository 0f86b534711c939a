package dev.gradcamviewer.imaging;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * 8-bit RGB PNG, written a row at a time from any source of rows. Written by hand because the
 * JDK's PNG writer took 0.5-1.2 s for one 2048x2048 overlay (its deflate level and Java-side
 * filtering), which made it the slowest step of a batch; this one takes each row's cheapest of the
 * None, Sub and Up filters (smallest sum of absolute bytes, the usual heuristic) and zlib's fastest
 * level, and any PNG reader reads the result.
 */
public final class PngEncoder {
    /** Rows of 0xRRGGBB pixels. */
    public interface Rows {
        int width();

        int height();

        /** Row y into {@code rgb} ({@code width()} pixels). */
        void row(int y, int[] rgb) throws IOException;
    }

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int CHUNK = 1 << 16;

    private PngEncoder() { }

    public static void write(BufferedImage img, OutputStream out) throws IOException {
        int[] packed = packedRgb(img);
        if (packed != null) {
            int w = img.getWidth();
            write(new Rows() {
                public int width() { return w; }

                public int height() { return img.getHeight(); }

                public void row(int y, int[] rgb) { System.arraycopy(packed, y * w, rgb, 0, w); }
            }, out);
            return;
        }
        write(new Rows() {
            public int width() { return img.getWidth(); }

            public int height() { return img.getHeight(); }

            public void row(int y, int[] rgb) { img.getRGB(0, y, img.getWidth(), 1, rgb, 0, img.getWidth()); }
        }, out);
    }

    /** The pixel array of a TYPE_INT_RGB image laid out row after row (as OverlayComposer makes them); else null. */
    private static int[] packedRgb(BufferedImage img) {
        if (img.getType() != BufferedImage.TYPE_INT_RGB) return null;
        var raster = img.getRaster();
        if (!(raster.getDataBuffer() instanceof java.awt.image.DataBufferInt db) || db.getNumBanks() != 1 || db.getOffset() != 0
                || raster.getParent() != null || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0
                || !(raster.getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel sm)
                || sm.getScanlineStride() != img.getWidth()) {
            return null;
        }
        return db.getData();
    }

    public static void write(Rows rows, OutputStream raw) throws IOException {
        int w = rows.width();
        int h = rows.height();
        DataOutputStream out = new DataOutputStream(raw);
        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;  // bits per sample
        ihdr[9] = 2;  // truecolour
        chunk(out, "IHDR", ihdr, ihdr.length);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            int stride = 3 * w;
            byte[] previous = new byte[stride];
            byte[] current = new byte[stride];
            byte[][] filtered = {new byte[stride + 1], new byte[stride + 1], new byte[stride + 1]};
            int[] rgb = new int[w];
            byte[] buffer = new byte[CHUNK];
            for (int y = 0; y < h; y++) {
                rows.row(y, rgb);
                for (int x = 0, i = 0; x < w; x++, i += 3) {
                    int p = rgb[x];
                    current[i] = (byte) (p >> 16);
                    current[i + 1] = (byte) (p >> 8);
                    current[i + 2] = (byte) p;
                }
                byte[] best = bestFilter(current, previous, filtered);
                deflater.setInput(best, 0, stride + 1);
                while (!deflater.needsInput()) drain(out, deflater, buffer, false);
                byte[] t = previous;
                previous = current;
                current = t;
            }
            deflater.finish();
            while (!deflater.finished()) drain(out, deflater, buffer, true);
        } finally {
            deflater.end();
        }
        chunk(out, "IEND", new byte[0], 0);
        out.flush();
    }

    private static byte[] bestFilter(byte[] cur, byte[] prev, byte[][] f) {
        int n = cur.length;
        f[0][0] = 0;
        f[1][0] = 1;
        f[2][0] = 2;
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        for (int i = 0; i < n; i++) {
            byte none = cur[i];
            byte sub = (byte) (cur[i] - (i >= 3 ? cur[i - 3] : 0));
            byte up = (byte) (cur[i] - prev[i]);
            f[0][i + 1] = none;
            f[1][i + 1] = sub;
            f[2][i + 1] = up;
            s0 += Math.abs(none);
            s1 += Math.abs(sub);
            s2 += Math.abs(up);
        }
        return s1 <= s0 && s1 <= s2 ? f[1] : s2 <= s0 ? f[2] : f[0];
    }

    private static void drain(DataOutputStream out, Deflater d, byte[] buffer, boolean finishing) throws IOException {
        int n = d.deflate(buffer);
        if (n > 0) chunk(out, "IDAT", buffer, n);
        else if (!finishing) return;
    }

    private static void chunk(DataOutputStream out, String type, byte[] data, int length) throws IOException {
        out.writeInt(length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, length);
        out.writeInt((int) crc.getValue());
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
