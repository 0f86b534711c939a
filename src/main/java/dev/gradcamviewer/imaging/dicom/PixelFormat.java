package dev.gradcamviewer.imaging.dicom;

import java.util.Locale;
import java.util.Set;

/** How one frame's samples are laid out, from the Image Pixel module. */
record PixelFormat(int rows, int columns, int samples, int bitsAllocated, int bitsStored, int highBit,
                   boolean signed, int planar, String photometric) {
    private static final Set<String> GRAY = Set.of("MONOCHROME1", "MONOCHROME2");
    private static final Set<String> COLOUR = Set.of("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT");

    /**
     * The Image Pixel module's attributes, checked against each other before any pixel is touched:
     * a file whose attributes disagree is refused naming the attribute, never read as something else.
     */
    static PixelFormat of(DicomDataset ds, long maxPixels) throws DicomException {
        int rows = required(ds, Tag.ROWS, "Rows");
        int columns = required(ds, Tag.COLUMNS, "Columns");
        int samples = ds.integer(Tag.SAMPLES_PER_PIXEL).orElse(1);
        int allocated = ds.integer(Tag.BITS_ALLOCATED).orElse(16);
        int stored = ds.integer(Tag.BITS_STORED).orElse(allocated);
        int high = ds.integer(Tag.HIGH_BIT).orElse(stored - 1);
        int representation = ds.integer(Tag.PIXEL_REPRESENTATION).orElse(0);
        int planar = ds.integer(Tag.PLANAR_CONFIGURATION).orElse(0);
        String given = ds.string(Tag.PHOTOMETRIC);
        String photometric = given == null ? (samples == 1 ? "MONOCHROME2" : "RGB") : given.toUpperCase(Locale.ROOT);
        if (rows < 1 || columns < 1) throw new DicomException("its Rows (0028,0010) and Columns (0028,0011) say " + columns + "x" + rows + ": no image");
        long pixels = (long) rows * columns;
        if (pixels > maxPixels) {
            throw new DicomException(String.format(Locale.ROOT, "its Rows and Columns say %dx%d pixels (%,d megapixels): more than this program reads (%,d megapixels)",
                    columns, rows, pixels / 1_000_000, maxPixels / 1_000_000));
        }
        if (photometric.equals("PALETTE COLOR")) throw new DicomException("PALETTE COLOR images are not supported");
        if (samples != 1 && samples != 3) {
            throw new DicomException("its Samples per Pixel (0028,0002) is " + samples + ": only 1 (grayscale) or 3 (colour) are read");
        }
        boolean gray = GRAY.contains(photometric);
        if (!gray && !COLOUR.contains(photometric)) {
            throw new DicomException("its Photometric Interpretation (0028,0004) '" + photometric + "' is not one this viewer reads");
        }
        if (gray != (samples == 1)) {
            throw new DicomException("its Photometric Interpretation (0028,0004) " + photometric + " does not agree with its Samples per Pixel (0028,0002) " + samples);
        }
        if (allocated != 8 && allocated != 16 && allocated != 32) {
            throw new DicomException(allocated + " bits allocated per sample are not supported (8, 16 or 32 are; Bits Allocated (0028,0100))");
        }
        if (stored < 1 || stored > allocated) {
            throw new DicomException("its Bits Stored (0028,0101) " + stored + " does not fit its Bits Allocated (0028,0100) " + allocated);
        }
        if (high < stored - 1 || high >= allocated) {
            throw new DicomException("its High Bit (0028,0102) " + high + " does not fit " + stored + " bits stored in " + allocated + " allocated");
        }
        if (representation != 0 && representation != 1) {
            throw new DicomException("its Pixel Representation (0028,0103) is " + representation + " (0 unsigned or 1 signed)");
        }
        if (samples == 3 && planar != 0 && planar != 1) {
            throw new DicomException("its Planar Configuration (0028,0006) is " + planar + " (0 or 1)");
        }
        if (photometric.equals("YBR_FULL_422") && columns % 2 != 0) {
            throw new DicomException("its Photometric Interpretation YBR_FULL_422 needs an even number of Columns (0028,0011); it has " + columns);
        }
        return new PixelFormat(rows, columns, samples, allocated, stored, high, representation == 1, samples == 3 ? planar : 0, photometric);
    }

    private static int required(DicomDataset ds, int tag, String name) throws DicomException {
        var v = ds.integer(tag);
        if (v.isEmpty()) throw new DicomException("it has no " + name + " " + Tag.text(tag));
        return v.getAsInt();
    }

    int pixels() { return rows * columns; }

    long frameBytes() { return (long) rows * columns * samples * (bitsAllocated / 8); }

    /** A raw sample to its stored value: the stored bits picked out, sign-extended when signed. */
    int stored(int raw) {
        int shift = highBit + 1 - bitsStored;
        int v = bitsStored >= 32 ? raw >>> Math.max(shift, 0) : (raw >>> Math.max(shift, 0)) & ((1 << bitsStored) - 1);
        if (signed && bitsStored < 32 && (v & (1 << (bitsStored - 1))) != 0) v -= 1 << bitsStored;
        return v;
    }
}
