package dev.gradcamviewer.imaging.dicom;

import dev.gradcamviewer.imaging.DecoderWarnings;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
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

    static int[][] firstFrame(DicomParser.PixelData pixels, PixelFormat f, TransferSyntax syntax, int frames, List<String> warnings) throws DicomException {
        if (syntax.encapsulated() != pixels.encapsulated()) {
            throw new DicomException(pixels.encapsulated()
                    ? "its pixel data is encapsulated (compressed fragments) but its transfer syntax " + syntax.describe() + " is native"
                    : "its pixel data is native (one value of defined length) but its transfer syntax " + syntax.describe() + " is compressed");
        }
        if (!syntax.encapsulated()) return nativeFrame(pixels, f);
        byte[] frame = firstFrameBytes(pixels, frames, syntax, warnings);
        if (syntax == TransferSyntax.RLE) return toRgb(storedValues(RleDecoder.decode(frame, f, warnings), f), f);
        if (syntax.jpeg() || syntax.jpeg2000()) {
            requireJpegBytes(frame, f, syntax);
            return imageIo(frame, f, syntax, warnings);
        }
        throw new DicomException(syntax.describe() + " is not supported");
    }

    /**
     * Lossless JPEG codes every sample in at least one bit, lossy JPEG every 8x8 block in at least
     * two: far less data than that is a truncated or made-up stream, refused before a decoder
     * allocates the image it claims.
     */
    private static void requireJpegBytes(byte[] frame, PixelFormat f, TransferSyntax syntax) throws DicomException {
        if (!syntax.jpeg()) return;
        boolean lossless = syntax == TransferSyntax.JPEG_LOSSLESS || syntax == TransferSyntax.JPEG_LOSSLESS_SV1;
        long samples = (long) f.pixels() * f.samples();
        long least = lossless ? samples / 8 : samples / 256;
        if (frame.length < least) {
            throw new DicomException(String.format(java.util.Locale.ROOT, "the %s pixel data is %,d bytes, where %dx%d pixels need at least %,d (truncated or damaged)",
                    syntax.title, frame.length, f.columns(), f.rows(), least));
        }
    }

    private static int[][] nativeFrame(DicomParser.PixelData p, PixelFormat f) throws DicomException {
        int pixels = f.pixels();
        boolean ybr422 = f.photometric().equals("YBR_FULL_422") && f.bitsAllocated() == 8;
        long need = ybr422 ? pixels * 2L : f.frameBytes();
        if (p.length() < need) {
            throw new DicomException(String.format(java.util.Locale.ROOT, "the pixel data is truncated: %,d bytes where one frame of %dx%d needs %,d",
                    p.length(), f.columns(), f.rows(), need));
        }
        ByteBuffer b = ByteBuffer.wrap(p.data(), p.offset(), (int) need).slice().order(p.order());
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
    static byte[] firstFrameBytes(DicomParser.PixelData p, int frames, TransferSyntax syntax, List<String> warnings) throws DicomException {
        List<byte[]> fr = p.fragments();
        if (fr.isEmpty()) throw new DicomException("the compressed pixel data has no fragments");
        int n = firstFrameFragments(p, frames, syntax);
        if (p.truncatedFragment() >= 0 && p.truncatedFragment() < n) {
            warnings.add("the file is truncated: it ends inside the compressed pixel data's fragment " + (p.truncatedFragment() + 1)
                    + "; the rest of the image is missing");
        }
        return n == 1 ? fr.get(0) : concat(fr, n);
    }

    /** How many fragments, from the first, hold the first frame. */
    private static int firstFrameFragments(DicomParser.PixelData p, int frames, TransferSyntax syntax) {
        List<byte[]> fr = p.fragments();
        if (frames <= 1) return fr.size();
        if (fr.size() == frames) return 1;
        if (p.offsetTable().length > 1) {
            long end = p.offsetTable()[1] & 0xffffffffL;
            long at = 0;
            int n = 0;
            while (n < fr.size() && at < end) at += fr.get(n++).length + 8;
            return Math.max(n, 1);
        }
        int n = 0;
        while (n < fr.size()) {
            byte[] x = fr.get(n++);
            if (syntax.jpeg() && endsImage(x)) break;
        }
        return n;
    }

    private static boolean endsImage(byte[] x) {
        for (int i = x.length - 1; i > 0 && i >= x.length - 3; i--) {
            if ((x[i - 1] & 0xff) == 0xFF && (x[i] & 0xff) == 0xD9) return true;
        }
        return false;
    }

    private static byte[] concat(List<byte[]> fr, int n) throws DicomException {
        long total = 0;
        for (int i = 0; i < n; i++) total += fr.get(i).length;
        if (total > Integer.MAX_VALUE - 64) throw new DicomException("its first frame's compressed data is over 2 GB: not read");
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
        for (int i = 0; i < n; i++) out.writeBytes(fr.get(i));
        return out.toByteArray();
    }

    private static int[][] imageIo(byte[] frame, PixelFormat f, TransferSyntax syntax, List<String> warnings) throws DicomException {
        String format = syntax.jpeg2000() ? "jpeg2000" : "jpeg";
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) throw new DicomException(syntax.describe() + " is not supported (no decoder)");
        ImageReader reader = readers.next();
        try (ImageInputStream in = new EndBoundStream(frame)) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(DecoderWarnings.text(warning)));
            if (!syntax.jpeg2000()) return QuietDecoder.run(() -> decode(reader, f, syntax));
            return DecoderWatchdog.run(() -> QuietDecoder.run(() -> decode(reader, f, syntax)),
                    DecoderWatchdog.limitSeconds(f.pixels()), "the JPEG 2000 decoder");
        } catch (DicomException e) {
            throw e;
        } catch (ThreadDeath e) { // jai-imageio's JPEG 2000 decoder ends a damaged stream so
            throw new DicomException(syntax.describe() + " pixel data could not be decoded: the compressed data is damaged or truncated", e);
        } catch (Exception e) {
            if (syntax == TransferSyntax.JPEG_EXTENDED && String.valueOf(e.getMessage()).contains("precision 12")) {
                throw new DicomException(syntax.describe() + " with 12-bit samples is not supported (no Java decoder for it)", e);
            }
            throw new DicomException(syntax.describe() + " pixel data could not be decoded: " + why(e), e);
        } finally {
            reader.dispose();
        }
    }

    private static int[][] decode(ImageReader reader, PixelFormat f, TransferSyntax syntax) throws IOException, DicomException {
        check(reader.getWidth(0), reader.getHeight(0), f, syntax); // before the decoder allocates what its header claims
        int pixels = f.pixels();
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
    }

    /** A decoder's failure in words: its own message when it has one, else what its kind means. */
    private static String why(Exception e) {
        if (e instanceof java.io.EOFException) return "the compressed data ends before the image does (truncated or damaged)";
        String m = e.getMessage() == null ? "" : e.getMessage()
                .replace("An uncaught runtime exception has occurred", "") // jj2000's wrapping of its own message
                .replaceAll("\\b([a-z0-9_]+\\.)+[A-Z]\\w*(Exception|Error):?", "")
                .strip();
        if (!m.isEmpty() && !(e instanceof IndexOutOfBoundsException) && !(e instanceof NullPointerException)
                && !(e instanceof NegativeArraySizeException) && !(e instanceof ArithmeticException)) return "the compressed data is damaged (" + m + ")";
        return "the compressed data is damaged (the decoder stopped on it)";
    }

    private static void check(int w, int h, PixelFormat f, TransferSyntax syntax) throws DicomException {
        if (w != f.columns() || h != f.rows()) {
            throw new DicomException(syntax.describe() + " pixel data is " + w + "x" + h + " but the file says " + f.columns() + "x" + f.rows());
        }
    }
}
