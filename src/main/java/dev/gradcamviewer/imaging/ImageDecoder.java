package dev.gradcamviewer.imaging;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import dev.gradcamviewer.imaging.dicom.DicomImageReader;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes PNG, JPEG, TIFF and BMP (ImageIO with the TwelveMonkeys plugins) into float planes.
 * Grayscale stays one plane at its own bit depth (16-bit samples are divided by 65535); colour and
 * palette images become three planes; alpha is dropped.
 */
public final class ImageDecoder {
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "bmp", "dcm", "dicom");
    /** What the user is told this program reads. */
    public static final String FORMATS = "PNG, JPEG, TIFF, BMP, DICOM";

    private ImageDecoder() { }

    /** By its name; a file without an extension by the DICOM preamble. */
    public static boolean looksLikeImage(Path p) {
        String ext = extension(p);
        if (ext.isEmpty()) return Files.isRegularFile(p) && DicomImageReader.hasPreamble(p);
        return EXTENSIONS.contains(ext);
    }

    private static String extension(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(dot + 1) : "";
    }

    /** A DICOM file by its name (.dcm, .dicom) or, whatever its name, by its preamble. */
    public static boolean isDicom(Path p) {
        String ext = extension(p);
        return ext.equals("dcm") || ext.equals("dicom") || DicomImageReader.hasPreamble(p);
    }

    /**
     * Decodes the first image of the file, turned upright as its EXIF (JPEG) or TIFF orientation tag
     * says, as every image viewer shows it. What was noticed on the way (a truncated file, a
     * rotation) is in {@link DecodedImage#warnings()}.
     */
    public static DecodedImage decode(Path file) throws ImageDecodeException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        requireReadableFile(file, name);
        try {
            return decodeRegular(file, name);
        } catch (StackOverflowError e) {
            throw new ImageDecodeException(name + " is nested too deeply to read (a damaged or hostile file)", e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(name + " does not fit in the memory this program may use (raise it with -Xmx, or make the image smaller)", e);
        }
    }

    /**
     * A path that is no regular file (a FIFO, a device, a socket) is refused by its type before it
     * is opened: opening a FIFO waits for a writer, for ever.
     */
    private static void requireReadableFile(Path file, String name) throws ImageDecodeException {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ImageDecodeException("image not found: " + file);
        }
        if (a.isDirectory()) throw new ImageDecodeException(name + " is a folder, not an image");
        if (!a.isRegularFile()) throw new ImageDecodeException(name + " is not a regular file (" + FileKinds.of(file) + "): not read");
        if (!Files.isReadable(file)) throw new ImageDecodeException(name + " cannot be read: permission denied");
    }

    private static DecodedImage decodeRegular(Path file, String name) throws ImageDecodeException {
        if (isDicom(file)) return DicomDecoding.decode(file, name);
        BufferedImage img;
        List<String> warnings = new ArrayList<>();
        int[] source = new int[3]; // step, width, height
        try {
            img = withReader(file, reader -> {
                reader.addIIOReadWarningListener((src, warning) -> warnings.add(DecoderWarnings.text(warning)));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                long pixels = (long) w * h;
                if (pixels > MAX_PIXELS) {
                    throw new ImageDecodeException(String.format(Locale.ROOT, "%s is %dx%d pixels (%,d megapixels): more than this program reads (%,d megapixels)",
                            name, w, h, pixels / 1_000_000, MAX_PIXELS / 1_000_000));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(pixels);
                source[0] = step;
                source[1] = w;
                source[2] = h;
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                    warnings.add(String.format(Locale.ROOT, "read at 1/%d of its %dx%d pixels in each direction (%dx%d), to fit in memory",
                            step, w, h, (w + step - 1) / step, (h + step - 1) / step));
                }
                return reader.read(0, param);
            });
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(name + " is not a readable image: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(name + " does not fit in the memory this program may use (raise it with -Xmx, or make the image smaller)", e);
        }
        if (img == null) throw new ImageDecodeException(name + " is not an image this viewer reads (" + FORMATS + ")");
        DecodedImage decoded = withLevels(fromBuffered(img), img);
        int orientation = Orientation.read(file);
        if (orientation > 1) warnings.add(Orientation.describe(orientation));
        return new DecodedImage(Orientation.apply(decoded, orientation), warnings, source[0], source[1], source[2], orientation > 1);
    }

    /** Images above this many pixels are refused (a 46000x46000 PNG is 2 MB on disk and 2,116 megapixels). */
    public static final long MAX_PIXELS = 1_000_000_000L;
    /**
     * Images above this many pixels are read at an integer fraction of their size (by the decoder,
     * row by row, so the full image is never in memory): what the model sees, the overlay and the
     * viewer all use that. 50 megapixels in colour take about 1.2 GB while explained.
     */
    public static final long FULL_READ_PIXELS = 50_000_000L;

    /** The smallest step s for which (pixels / s^2) is at most {@link #FULL_READ_PIXELS}. */
    static int subsampling(long pixels) {
        int s = 1;
        while (pixels / ((long) s * s) > FULL_READ_PIXELS) s++;
        return s;
    }

    /** Work done with a file's image reader. */
    interface ReaderWork<T> {
        T run(ImageReader reader) throws IOException, ImageDecodeException;
    }

    /** Runs {@code work} with the reader for the file's format, set on the file; both are closed after. */
    static <T> T withReader(Path file, ReaderWork<T> work) throws IOException, ImageDecodeException {
        try (ImageInputStream in = ImageDecoder.open(file)) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new ImageDecodeException(file.getFileName() + " is not an image this viewer reads (" + FORMATS + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return work.run(reader);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The file as an image stream. A name whose bytes are not valid in the platform's encoding
     * cannot go through {@code java.io.File} (its string form names another file): it is read by
     * its path, which keeps the bytes, into memory.
     */
    static ImageInputStream open(Path file) throws IOException {
        if (!file.toString().contains("\uFFFD")) return ImageIO.createImageInputStream(file.toFile());
        java.io.InputStream bytes = Files.newInputStream(file);
        return new javax.imageio.stream.MemoryCacheImageInputStream(bytes) {
            @Override public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    bytes.close();
                }
            }
        };
    }

    /** Width x height from the file's header alone, or -1 when it cannot be read (the decoder then says why). */
    public static long pixelCount(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) return -1;
        if (isDicom(file)) return DicomDecoding.pixelCount(file);
        try {
            return withReader(file, reader -> (long) reader.getWidth(0) * reader.getHeight(0));
        } catch (IOException | ImageDecodeException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return -1;
        }
    }

    /**
     * A grayscale image of more than 8 bits keeps its stored values for display windowing: the
     * default is the whole bit depth (what the planes hold), then the image's own range.
     */
    private static DecodedImage withLevels(DecodedImage decoded, BufferedImage img) {
        if (!decoded.isGray() || decoded.bitDepth() <= 8) return decoded;
        float max = (float) ((1L << decoded.bitDepth()) - 1);
        float[] values = new float[decoded.planes()[0].length];
        int[] row = new int[decoded.width()];
        Raster r = img.getRaster();
        for (int y = 0; y < decoded.height(); y++) {
            r.getSamples(0, y, decoded.width(), 1, 0, row);
            for (int x = 0; x < row.length; x++) values[y * row.length + x] = row[x];
        }
        GrayLevels probe = GrayLevels.of(values, List.of(new Voi.Range(0, max, "")), false);
        return decoded.withLevels(probe.withPresets(List.of(
                new Voi.Range(0, max, String.format(Locale.ROOT, "Whole bit depth (0 to %d)", (long) max)),
                new Voi.Range(probe.min(), probe.max(), String.format(Locale.ROOT, "Full range (%d to %d)", (long) probe.min(), (long) probe.max())))), null);
    }

    /**
     * Whether the image's samples are 8-bit R, G, B (and maybe a straight alpha) interleaved in one
     * byte array, in sRGB: then the stored bytes are the colours getRGB would return.
     */
    private static boolean interleavedSrgbBytes(BufferedImage img) {
        Raster r = img.getRaster();
        var cm = img.getColorModel();
        return cm instanceof java.awt.image.ComponentColorModel && cm.getColorSpace().isCS_sRGB() && !cm.isAlphaPremultiplied()
                && (r.getNumBands() == 3 || (r.getNumBands() == 4 && cm.hasAlpha()))
                && r.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel
                && r.getDataBuffer() instanceof java.awt.image.DataBufferByte db && db.getNumBanks() == 1 && db.getOffset() == 0
                && r.getParent() == null && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && java.util.Arrays.stream(r.getSampleModel().getSampleSize()).allMatch(b -> b == 8);
    }

    public static DecodedImage fromBuffered(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster r = img.getRaster();
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        int bands = r.getNumBands();
        // each kind of image in a loop of its own: one method holding all three had the JIT
        // recompile it whenever a batch went from one kind to another
        if (!indexed && (bands == 1 || bands == 2)) {
            int bits = r.getSampleModel().getSampleSize(0);
            return new DecodedImage(w, h, new float[][] {grayPlane(r, w, h, bits)}, bits);
        }
        float[][] planes = new float[3][w * h];
        if (!indexed && interleavedSrgbBytes(img)) srgbPlanes(r, w, h, planes);
        else argbPlanes(img, w, h, planes);
        return new DecodedImage(w, h, planes, 8);
    }

    private static float[] grayPlane(Raster r, int w, int h, int bits) {
        double max = (1L << bits) - 1;
        float[] plane = new float[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) plane[y * w + x] = (float) (row[x] / max);
        }
        return plane;
    }

    /** 8-bit sRGB samples as stored (JPEG, BMP, RGB PNG): what getRGB would give, read without its per-pixel conversions. */
    private static void srgbPlanes(Raster r, int w, int h, float[][] planes) {
        var sm = (java.awt.image.ComponentSampleModel) r.getSampleModel();
        byte[] data = ((java.awt.image.DataBufferByte) r.getDataBuffer()).getData();
        int[] offsets = sm.getBandOffsets();
        int stride = sm.getScanlineStride();
        int step = sm.getPixelStride();
        for (int y = 0; y < h; y++) {
            int row = y * stride;
            for (int x = 0; x < w; x++) {
                int at = row + x * step;
                planes[0][y * w + x] = (data[at + offsets[0]] & 0xff) / 255f;
                planes[1][y * w + x] = (data[at + offsets[1]] & 0xff) / 255f;
                planes[2][y * w + x] = (data[at + offsets[2]] & 0xff) / 255f;
            }
        }
    }

    private static void argbPlanes(BufferedImage img, int w, int h, float[][] planes) {
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                planes[0][y * w + x] = ((p >> 16) & 0xff) / 255f;
                planes[1][y * w + x] = ((p >> 8) & 0xff) / 255f;
                planes[2][y * w + x] = (p & 0xff) / 255f;
            }
        }
    }
}
