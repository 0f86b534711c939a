package dev.gradcamviewer.imaging.dicom;

import java.util.Map;

/**
 * Value representations for implicit-VR files, for the attributes this reader interprets; every
 * other attribute is kept as bytes (UN), and one of undefined length is read as a sequence.
 */
final class ImplicitVr {
    private ImplicitVr() { }

    private static final Map<Integer, String> KNOWN = Map.ofEntries(
            Map.entry(Tag.SAMPLES_PER_PIXEL, "US"), Map.entry(Tag.PLANAR_CONFIGURATION, "US"),
            Map.entry(Tag.ROWS, "US"), Map.entry(Tag.COLUMNS, "US"), Map.entry(Tag.BITS_ALLOCATED, "US"),
            Map.entry(Tag.BITS_STORED, "US"), Map.entry(Tag.HIGH_BIT, "US"), Map.entry(Tag.PIXEL_REPRESENTATION, "US"),
            Map.entry(Tag.LUT_DESCRIPTOR, "US"), Map.entry(Tag.LUT_DATA, "OW"),
            Map.entry(Tag.MODALITY_LUT_SEQUENCE, "SQ"), Map.entry(Tag.VOI_LUT_SEQUENCE, "SQ"),
            Map.entry(0x00081140, "SQ"), Map.entry(0x00081111, "SQ"), Map.entry(0x00082218, "SQ"),
            Map.entry(0x00540220, "SQ"), Map.entry(0x00880200, "SQ"), Map.entry(0x00400555, "SQ"),
            Map.entry(0x52009229, "SQ"), Map.entry(0x52009230, "SQ"));

    static String of(int tag) {
        String vr = KNOWN.get(tag);
        if (vr != null) return vr;
        return (tag & 0xffff) == 0 ? "UL" : "UN";
    }
}
