package dev.gradcamviewer.review;

import java.nio.file.Path;

/** Child process for the kill test: records verdicts as fast as it can until it is killed. */
public final class ReviewWriterMain {
    private ReviewWriterMain() { }

    public static void main(String[] args) throws Exception {
        ReviewStore store = ReviewStore.open(Path.of(args[0]));
        System.out.println("ready");
        System.out.flush();
        for (long i = 0; ; i++) {
            store.put(ReviewStoreTest.entry("image-" + (i % 500) + ".png", Verdict.values()[(int) (i % 3)], "note " + i + " " + "x".repeat((int) (i % 300))));
        }
    }
}
