package dev.gradcamviewer.review;

import java.net.InetAddress;

/**
 * One image's review: which file (name relative to the reviewed folder, and its SHA-256 so that a
 * changed file is noticed), the verdict and note, when (UTC, ISO-8601), what the reviewer was shown
 * (model name and SHA-256, layer, method, target label, score and placement; layer, method and
 * placement empty when no map was on screen) and who recorded it (user@host). For a DICOM image also
 * its Study, Series and SOP Instance UIDs, so that a review maps back to the PACS, and which gray
 * levels the model was given ({@code modelInput}: the rule of the model, or the window on display).
 */
public record ReviewEntry(String image, String imageSha256, Verdict verdict, String note, String time,
                          String modelName, String modelSha256, String layer, String method, String target,
                          String reviewer, String score, String placement,
                          String studyUid, String seriesUid, String sopInstanceUid, String modelInput) {

    public ReviewEntry(String image, String imageSha256, Verdict verdict, String note, String time,
                       String modelName, String modelSha256, String layer, String method, String target, String reviewer,
                       String score, String placement) {
        this(image, imageSha256, verdict, note, time, modelName, modelSha256, layer, method, target, reviewer, score, placement,
                null, null, null, null);
    }

    public ReviewEntry(String image, String imageSha256, Verdict verdict, String note, String time,
                       String modelName, String modelSha256, String layer, String method, String target, String reviewer) {
        this(image, imageSha256, verdict, note, time, modelName, modelSha256, layer, method, target, reviewer, null, null);
    }

    /** This process's reviewer: the account name and the machine's name. */
    public static String currentReviewer() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }

    /** The same decision recorded at the same moment by the same person. */
    boolean sameRecord(ReviewEntry o) {
        return java.util.Objects.equals(time, o.time) && java.util.Objects.equals(reviewer, o.reviewer)
                && verdict == o.verdict && java.util.Objects.equals(note, o.note) && java.util.Objects.equals(imageSha256, o.imageSha256);
    }

    /** Whether this says something other than {@code o} does (verdict or note). */
    boolean differsFrom(ReviewEntry o) {
        return verdict != o.verdict || !java.util.Objects.equals(note == null ? "" : note, o.note == null ? "" : o.note);
    }

    String who() { return reviewer == null || reviewer.isBlank() ? "someone" : reviewer; }

    String verdictText() { return verdict == null ? "no verdict" : verdict.id(); }
}
