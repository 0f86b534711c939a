package dev.gradcamviewer.imaging.dicom;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.List;

/**
 * The first frame's samples as stored values, {@code planes[sample][y * columns + x]}: native pixels
 * read directly; RLE by {@link RleDecoder}; JPEG (baseline, extended, lossless) through the
 * TwelveMonkeys ImageIO plugin; JPEG 2000 through jai-imageio. Colour comes out as RGB.
 */
final class FrameDecoder {
    private FrameDecoder() { }

    static int[][] firstFrame(DicomParser.PixelData pixels, PixelFormat f, TransferSyntax syntax, int frames) throws DicomException {
        if (!syntax.encapsulated()) return nativeFrame(pixels, f);
        byte[] frame = firstFrameBytes(pixels, frames, syntax);
        if (syntax == TransferSyntax.RLE) return toRgb(storedValues(RleDecoder.decode(frame, f), f), f);
        if (syntax.jpeg() || syntax.jpeg2000()) return imageIo(frame, f, syntax);
        throw new DicomException(syntax.describe() + " is not supported");
    }

    private static int[][] nativeFrame(DicomParser.PixelData p, PixelFormat f) throws DicomException {
        int pixels = f.rows() * f.columns();
        boolean ybr422 = f.photometric().equals("YBR_FULL_422") && f.samples() == 3 && f.bitsAllocated() == 8;
        int need = ybr422 ? pixels * 2 : f.frameBytes();
        if (f.bitsAllocated() != 8 && f.bitsAllocated() != 16 && f.bitsAllocated() != 32) {
            throw new DicomException(f.bitsAllocated() + " bits allocated per sample are not supported (8, 16 or 32 are)");
        }
        if (p.length() < need) {
            throw new DicomException("the pixel data is truncated: " + p.length() + " bytes where one frame needs " + need);
        }
        ByteBuffer b = ByteBuffer.wrap(p.data(), p.offset(), need).slice().order(p.order());
        if (ybr422) return ybr422(b, f);
        int[][] out = new int[f.samples()][pixels];
        int bytes = f.bitsAllocated() / 8;
        for (int s = 0; s < f.samples(); s++) {
            for (int i = 0; i < pixels; i++) {
                int index = f.planar() == 1 ? s * pixels + i : i * f.samples() + s;
                int raw = switch (bytes) {
                    case 1 -> b.get(index) & 0xff;
                    case 2 -> b.getShort(2 * index) & 0xffff;
                    default -> b.getInt(4 * index);
                };
                out[s][i] = f.stored(raw);
            }
        }
        return toRgb(out, f);
    }

    private static int[][] storedValues(int[][] raw, PixelFormat f) {
        for (int[] plane : raw) for (int i = 0; i < plane.length; i++) plane[i] = f.stored(plane[i]);
        return raw;
    }

    /** Y1 Y2 Cb Cr for each pair of pixels on a row. */
    private static int[][] ybr422(ByteBuffer b, PixelFormat f) {
        int w = f.columns();
        int[][] out = new int[3][w * f.rows()];
        int k = 0;
        for (int y = 0; y < f.rows(); y++) {
            for (int x = 0; x + 1 < w + 1; x += 2) {
                int y1 = b.get(k++) & 0xff;
                int y2 = x + 1 < w ? b.get(k++) & 0xff : y1;
                int cb = b.get(k++) & 0xff;
                int cr = b.get(k++) & 0xff;
                putYbr(out, y * w + x, y1, cb, cr);
                if (x + 1 < w) putYbr(out, y * w + x + 1, y2, cb, cr);
            }
        }
        return out;
    }

    private static int[][] toRgb(int[][] planes, PixelFormat f) {
        if (planes.length != 3 || !f.photometric().startsWith("YBR_FULL")) return planes;
        for (int i = 0; i < planes[0].length; i++) putYbr(planes, i, planes[0][i], planes[1][i], planes[2][i]);
        return planes;
    }

    /** YCbCr (full range, PS3.3 C.7.6.3.1.2) to RGB. */
    private static void putYbr(int[][] out, int i, int y, int cb, int cr) {
        out[0][i] = clamp(Math.round(y + 1.402f * (cr - 128)));
        out[1][i] = clamp(Math.round(y - 0.344136f * (cb - 128) - 0.714136f * (cr - 128)));
        out[2][i] = clamp(Math.round(y + 1.772f * (cb - 128)));
    }

    private static int clamp(int v) { return Math.max(0, Math.min(255, v)); }

    /**
     * The first frame's compressed bytes: by the offset table when there is one, one fragment per
     * frame when the counts agree, otherwise (one frame, or JPEG split over fragments) fragments up
     * to the one that ends the image.
     */
    static byte[] firstFrameBytes(DicomParser.PixelData p, int frames, TransferSyntax syntax) throws DicomException {
        List<byte[]> fr = p.fragments();
        if (fr.isEmpty()) throw new DicomException("the compressed pixel data has no fragments");
        if (frames <= 1) return concat(fr, fr.size());
        if (fr.size() == frames) return fr.get(0);
        if (p.offsetTable().length > 1) {
            int end = p.offsetTable()[1];
            int at = 0;
            int n = 0;
            while (n < fr.size() && at < end) at += fr.get(n++).length + 8;
            return concat(fr, n);
        }
        int n = 0;
        while (n < fr.size()) {
            byte[] x = fr.get(n++);
            if (syntax.jpeg() && endsImage(x)) break;
        }
        return concat(fr, n);
    }

    private static boolean endsImage(byte[] x) {
        for (int i = x.length - 1; i > 0 && i >= x.length - 3; i--) {
            if ((x[i - 1] & 0xff) == 0xFF && (x[i] & 0xff) == 0xD9) return true;
        }
        return false;
    }

    private static byte[] concat(List<byte[]> fr, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) out.writeBytes(fr.get(i));
        return out.toByteArray();
    }

    private static int[][] imageIo(byte[] frame, PixelFormat f, TransferSyntax syntax) throws DicomException {
        String format = syntax.jpeg2000() ? "jpeg2000" : "jpeg";
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) throw new DicomException(syntax.describe() + " is not supported (no decoder)");
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(frame))) {
            reader.setInput(in, true, true);
            int pixels = f.rows() * f.columns();
            if (f.samples() == 1) {
                Raster r = reader.readRaster(0, null);
                check(r.getWidth(), r.getHeight(), f, syntax);
                int[] plane = r.getSamples(0, 0, r.getWidth(), r.getHeight(), 0, new int[pixels]);
                PixelFormat decoded = new PixelFormat(f.rows(), f.columns(), 1, f.bitsAllocated(), f.bitsStored(), f.bitsStored() - 1,
                        f.signed(), 0, f.photometric());
                return storedValues(new int[][] {plane}, decoded);
            }
            BufferedImage img = reader.read(0);
            check(img.getWidth(), img.getHeight(), f, syntax);
            int[] argb = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
            int[][] out = new int[3][pixels];
            for (int i = 0; i < pixels; i++) {
                out[0][i] = argb[i] >> 16 & 0xff;
                out[1][i] = argb[i] >> 8 & 0xff;
                out[2][i] = argb[i] & 0xff;
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (syntax == TransferSyntax.JPEG_EXTENDED && String.valueOf(e.getMessage()).contains("precision 12")) {
                throw new DicomException(syntax.describe() + " with 12-bit samples is not supported (no Java decoder for it)", e);
            }
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new DicomException(syntax.describe() + " pixel data could not be decoded: " + why, e);
        } finally {
            reader.dispose();
        }
    }

    private static void check(int w, int h, PixelFormat f, TransferSyntax syntax) throws DicomException {
        if (w != f.columns() || h != f.rows()) {
            throw new DicomException(syntax.describe() + " pixel data is " + w + "x" + h + " but the file says " + f.columns() + "x" + f.rows());
        }
    }
}
