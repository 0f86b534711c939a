package dev.gradcamviewer.review;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Exports verdicts as CSV (RFC 4180 quoting), written whole or not at all. */
public final class ReviewCsv {
    static final String HEADER = "image,image_sha256,verdict,note,time,model,model_sha256,layer,method,target,reviewer,score,placement,study_uid,series_uid,sop_instance_uid,model_input";

    private ReviewCsv() { }

    public static String text(List<ReviewEntry> entries) {
        StringBuilder sb = new StringBuilder(HEADER).append("\r\n");
        for (ReviewEntry e : entries) {
            sb.append(String.join(",", q(e.image()), q(e.imageSha256()), q(e.verdict() == null ? "" : e.verdict().id()), q(e.note()),
                    q(e.time()), q(e.modelName()), q(e.modelSha256()), q(e.layer()), q(e.method()), q(e.target()), q(e.reviewer()), q(e.score()), q(e.placement()),
                    q(e.studyUid()), q(e.seriesUid()), q(e.sopInstanceUid()), q(e.modelInput()))).append("\r\n");
        }
        return sb.toString();
    }

    public static void write(List<ReviewEntry> entries, Path target) throws IOException {
        byte[] bytes = text(entries).getBytes(StandardCharsets.UTF_8);
        dev.gradcamviewer.files.AtomicFile.write(target, out -> out.write(bytes));
    }

    private static String q(String s) {
        return dev.gradcamviewer.files.CsvField.quote(s);
    }
}
