package dev.gradcamviewer.imaging.dicom;

import java.util.ArrayList;
import java.util.List;

/**
 * What a DICOM file says about itself beyond its pixels: patient and study text for the image's
 * corners (never written anywhere unless the user asks), the UIDs a verdict keeps so that a review
 * maps back to the PACS, and how the pixels were stored.
 */
public record DicomInfo(String patientName, String patientId, String birthDate, String sex, String studyDate,
                        String modality, String viewPosition, String laterality, String institution,
                        String studyDescription, String studyUid, String seriesUid, String sopInstanceUid,
                        String transferSyntax, String photometric, int bitsStored, boolean signed, int frames) {

    static DicomInfo of(DicomDataset ds, String syntax, String photometric, int bitsStored, boolean signed, int frames) {
        String laterality = ds.string(Tag.IMAGE_LATERALITY) != null ? ds.string(Tag.IMAGE_LATERALITY) : ds.string(Tag.LATERALITY);
        return new DicomInfo(personName(ds.string(Tag.PATIENT_NAME)), ds.string(Tag.PATIENT_ID), date(ds.string(Tag.PATIENT_BIRTH_DATE)),
                ds.string(Tag.PATIENT_SEX), date(ds.string(Tag.STUDY_DATE)), ds.string(Tag.MODALITY), ds.string(Tag.VIEW_POSITION),
                laterality, ds.string(Tag.INSTITUTION), ds.string(Tag.STUDY_DESCRIPTION), ds.string(Tag.STUDY_UID),
                ds.string(Tag.SERIES_UID), ds.string(Tag.SOP_INSTANCE_UID), syntax, photometric, bitsStored, signed, frames);
    }

    /** "DOE^JANE" as "DOE, JANE"; the ideographic and phonetic forms after '=' are dropped. */
    static String personName(String pn) {
        if (pn == null) return null;
        String alphabetic = pn.split("=", -1)[0];
        List<String> parts = new ArrayList<>();
        for (String p : alphabetic.split("\\^")) if (!p.isBlank()) parts.add(p.trim());
        if (parts.isEmpty()) return null;
        return parts.size() == 1 ? parts.get(0) : parts.get(0) + ", " + String.join(" ", parts.subList(1, parts.size()));
    }

    /** DICOM's YYYYMMDD as YYYY-MM-DD; anything else as written. */
    static String date(String da) {
        if (da == null) return null;
        return da.matches("\\d{8}") ? da.substring(0, 4) + "-" + da.substring(4, 6) + "-" + da.substring(6) : da;
    }

    /** Lines for the top-left corner (patient) and top-right corner (study), as radiology viewers place them. */
    public List<String> patientLines() {
        List<String> out = new ArrayList<>();
        if (patientName != null) out.add(patientName);
        if (patientId != null) out.add("ID " + patientId);
        if (birthDate != null || sex != null) out.add(join("Born " + (birthDate == null ? "?" : birthDate), sex));
        return out;
    }

    public List<String> studyLines() {
        List<String> out = new ArrayList<>();
        if (institution != null) out.add(institution);
        if (studyDate != null) out.add(studyDate);
        String view = join(join(modality, viewPosition), laterality);
        if (!view.isEmpty()) out.add(view);
        if (studyDescription != null) out.add(studyDescription);
        return out;
    }

    private static String join(String a, String b) {
        if (a == null || a.isEmpty()) return b == null ? "" : b;
        return b == null || b.isEmpty() ? a : a + " " + b;
    }
}
