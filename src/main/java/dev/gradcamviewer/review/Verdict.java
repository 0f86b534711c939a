package dev.gradcamviewer.review;

/** The reviewer's judgement of the model's prediction for one image. */
public enum Verdict {
    AGREE("agree"), DISAGREE("disagree"), UNSURE("unsure");

    private final String id;

    Verdict(String id) { this.id = id; }

    public String id() { return id; }
}
