package dev.gradcamviewer.imaging.dicom;

import dev.gradcamviewer.imaging.GrayLevels;
import dev.gradcamviewer.imaging.Voi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Reads a DICOM file's first frame through the standard's grayscale pipeline, as ordered steps:
 * stored values, then the modality LUT (a table, or rescale slope and intercept) into
 * {@link GrayLevels}, whose VOI presets are the file's windows, then its VOI LUTs, then the image's
 * full range; MONOCHROME1 (or an inverse presentation LUT) is marked inverted.
 *
 * <p>Written here rather than taken from a library: the DICOM toolkits that read compressed pixel
 * data (dcm4che, PixelMed, Weasis, SCIFIO, Bio-Formats) are not served by Maven Central, and ImageJ's
 * reader, which is, refuses every compressed syntax and keeps a single window. The decoding of
 * compressed pixels stays with libraries (TwelveMonkeys for JPEG, jai-imageio for JPEG 2000).
 */
public final class DicomImageReader {
    private DicomImageReader() { }

    /** The first frame's pixels and what the file says, before any VOI transform. */
    public record Result(int width, int height, GrayLevels levels, float[][] colour, int bitsStored,
                         DicomInfo info, List<String> warnings) { }

    /** The largest file read: a Java array's limit. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

    /** True for a regular file that starts with the DICOM preamble, whatever its name (a FIFO or device is never opened). */
    public static boolean hasPreamble(Path file) {
        if (!Files.isRegularFile(file)) return false;
        try (InputStream in = Files.newInputStream(file)) {
            return DicomParser.hasPreamble(in.readNBytes(132));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Rows x columns from the file's attributes, without decoding its pixels. */
    public static long pixelCount(Path file) throws DicomException, IOException {
        DicomDataset ds = DicomParser.parse(readAll(file)).dataset();
        return (long) required(ds, Tag.ROWS, "Rows") * required(ds, Tag.COLUMNS, "Columns");
    }

    public static Result read(Path file) throws DicomException, IOException {
        return read(readAll(file));
    }

    private static byte[] readAll(Path file) throws DicomException, IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DicomException(String.format(Locale.ROOT, "the file is %,d MB: DICOM files over 2 GB are not read", size >> 20));
        }
        return Files.readAllBytes(file);
    }

    public static Result read(byte[] bytes) throws DicomException {
        DicomParser.Parsed parsed = DicomParser.parse(bytes);
        DicomDataset ds = parsed.dataset();
        String uid = parsed.transferSyntax();
        TransferSyntax syntax = TransferSyntax.of(uid).orElseThrow(() -> new DicomException(
                "its transfer syntax " + uid + " is not one this viewer knows"));
        if (!syntax.pixelsReadable) throw new DicomException(syntax.describe() + " is not supported");
        if (parsed.pixels() == null) throw new DicomException("it holds no image (no pixel data: a report, a structured document or a DICOMDIR?)");
        PixelFormat format = PixelFormat.of(ds, dev.gradcamviewer.imaging.ImageDecoder.MAX_PIXELS);
        int frames = Math.max(1, ds.integer(Tag.NUMBER_OF_FRAMES).orElse(1));
        int columns = format.columns();
        int rows = format.rows();
        int stored = format.bitsStored();
        boolean signed = format.signed();
        String photometric = format.photometric();
        List<String> warnings = new ArrayList<>();
        int[][] planes = FrameDecoder.firstFrame(parsed.pixels(), format, syntax, frames, warnings);
        if (frames > 1) warnings.add("a multi-frame file (" + frames + " frames): the first frame is shown");
        DicomInfo info = DicomInfo.of(ds, syntax.describe(), photometric, stored, signed, frames);
        if (planes.length == 3) {
            // YCbCr and the JPEG decoders give 8-bit RGB whatever the bits stored
            boolean eightBit = photometric.startsWith("YBR") || syntax.jpeg() || syntax.jpeg2000();
            double max = eightBit ? 255 : (1L << stored) - 1;
            float[][] colour = new float[3][];
            for (int c = 0; c < 3; c++) {
                colour[c] = new float[planes[c].length];
                for (int i = 0; i < planes[c].length; i++) colour[c][i] = (float) Math.max(0, Math.min(1, planes[c][i] / max));
            }
            return new Result(columns, rows, null, colour, stored, info, warnings);
        }
        float[] values = modality(ds, planes[0], signed);
        boolean inverted = photometric.equals("MONOCHROME1") || "INVERSE".equalsIgnoreCase(ds.string(Tag.PRESENTATION_LUT_SHAPE));
        GrayLevels levels = GrayLevels.of(values, List.of(new Voi.Range(0, 0, "")), inverted);
        if (levels.min() == levels.max()) warnings.add("the image is blank: every pixel has the value " + plain(levels.min()));
        List<Voi> presets = presets(ds, signed, levels.min(), levels.max());
        return new Result(columns, rows, levels.withPresets(presets), null, stored, info, warnings);
    }

    private static int required(DicomDataset ds, int tag, String name) throws DicomException {
        OptionalInt v = ds.integer(tag);
        if (v.isEmpty()) throw new DicomException("it has no " + name + " " + Tag.text(tag));
        return v.getAsInt();
    }

    /** Stored values to modality values: the Modality LUT Sequence's table, else slope and intercept. */
    static float[] modality(DicomDataset ds, int[] stored, boolean signed) throws DicomException {
        float[] out = new float[stored.length];
        List<DicomDataset> lut = ds.items(Tag.MODALITY_LUT_SEQUENCE);
        if (!lut.isEmpty() && lut.get(0).has(Tag.LUT_DATA)) {
            Voi.Table t = table(lut.get(0), signed, "");
            for (int i = 0; i < out.length; i++) {
                int k = Math.max(0, Math.min(t.entries().length - 1, stored[i] - t.first()));
                out[i] = t.entries()[k];
            }
            return out;
        }
        double slope = ds.number(Tag.RESCALE_SLOPE).orElse(1);
        double intercept = ds.number(Tag.RESCALE_INTERCEPT).orElse(0);
        if (!Double.isFinite(slope) || slope == 0 || Math.abs(slope) > 1e30) {
            throw new DicomException("its Rescale Slope (0028,1053) " + slope + " cannot map stored values (a finite number other than 0 is needed)");
        }
        if (!Double.isFinite(intercept) || Math.abs(intercept) > 1e30) {
            throw new DicomException("its Rescale Intercept (0028,1052) " + intercept + " is not a usable number");
        }
        for (int i = 0; i < out.length; i++) out[i] = (float) (stored[i] * slope + intercept);
        return out;
    }

    /** The file's windows, then its VOI LUTs, then the image's full range; the first is the default. */
    static List<Voi> presets(DicomDataset ds, boolean signed, float min, float max) {
        List<Voi> out = new ArrayList<>();
        double[] centers = ds.numbers(Tag.WINDOW_CENTER);
        double[] widths = ds.numbers(Tag.WINDOW_WIDTH);
        List<String> names = ds.strings(Tag.WINDOW_EXPLANATION);
        Voi.Window.Function function = function(ds.string(Tag.VOI_LUT_FUNCTION));
        for (int i = 0; i < Math.min(centers.length, widths.length); i++) {
            if (!(widths[i] > 0) || !Double.isFinite(widths[i]) || !Double.isFinite(centers[i])) continue;
            String name = i < names.size() && !names.get(i).isEmpty() ? names.get(i) : "Window " + (i + 1);
            Voi.Window w = new Voi.Window(centers[i], widths[i], function, "");
            out.add(new Voi.Window(centers[i], widths[i], function, name + " (" + w.values() + ")"));
        }
        int n = 0;
        for (DicomDataset item : ds.items(Tag.VOI_LUT_SEQUENCE)) {
            n++;
            if (!item.has(Tag.LUT_DATA)) continue;
            String name = item.string(Tag.LUT_EXPLANATION);
            out.add(table(item, signed, name == null ? "VOI LUT " + n : name + " (VOI LUT)"));
        }
        out.add(new Voi.Range(min, max, String.format(Locale.ROOT, "Full range (%s to %s)", plain(min), plain(max))));
        return out;
    }

    private static String plain(float v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static Voi.Window.Function function(String s) {
        if (s == null) return Voi.Window.Function.LINEAR;
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "LINEAR_EXACT" -> Voi.Window.Function.LINEAR_EXACT;
            case "SIGMOID" -> Voi.Window.Function.SIGMOID;
            default -> Voi.Window.Function.LINEAR;
        };
    }

    /** A LUT item: descriptor (entries, 0 meaning 65536; first mapped value; bits per entry) and data. */
    static Voi.Table table(DicomDataset item, boolean signed, String label) {
        double[] d = item.numbers(Tag.LUT_DESCRIPTOR);
        int entries = d.length > 0 && d[0] != 0 ? (int) d[0] : 65536;
        int first = d.length > 1 ? (int) d[1] : 0;
        if (signed && first > 32767) first -= 65536;
        int bits = d.length > 2 ? (int) d[2] : 16;
        int[] data = item.words(Tag.LUT_DATA);
        int[] table = new int[Math.min(entries, data.length)];
        System.arraycopy(data, 0, table, 0, table.length);
        if (table.length == 0) table = new int[] {0};
        int maxEntry = 0;
        for (int v : table) maxEntry = Math.max(maxEntry, v);
        if (maxEntry >= 1 << bits) bits = 32 - Integer.numberOfLeadingZeros(maxEntry);
        return new Voi.Table(first, table, Math.max(1, Math.min(16, bits)), label);
    }
}
