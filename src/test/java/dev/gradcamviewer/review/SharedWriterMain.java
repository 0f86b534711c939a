package dev.gradcamviewer.review;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Child process for the shared-folder test: a reviewer named args[1] records args[2] verdicts on
 * images of its own and on five images every reviewer also judges, once the parent says "go".
 */
public final class SharedWriterMain {
    private SharedWriterMain() { }

    public static void main(String[] args) throws Exception {
        ReviewStore store = ReviewStore.open(Path.of(args[0]));
        String name = args[1];
        int count = Integer.parseInt(args[2]);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        for (int i = 0; i < count; i++) {
            String image = i % 2 == 0 ? "own-" + name + "-" + i + ".png" : "shared-" + (i % 5) + ".png";
            store.put(new ReviewEntry(image, "ab12", Verdict.values()[i % 3], name + " " + i, Instant.now().toString(),
                    "demo", "5aec", "resnet_blocks.4", "gradcam", "Pneumonia", name));
        }
        System.out.println("done");
    }
}
