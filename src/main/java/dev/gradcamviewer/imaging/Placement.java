package dev.gradcamviewer.imaging;

/** Where the cells of a low-resolution map are put on the image. */
public enum Placement {
    /** Each cell on its receptive-field centre, as the model bundle records it (default). */
    RECEPTIVE_FIELD("receptive-field"),
    /** Half-pixel centres, as PIL's or OpenCV's resize: the article's and other tools' placement. */
    RESIZE("resize");

    private final String id;

    Placement(String id) { this.id = id; }

    public String id() { return id; }

    public static Placement of(String id) {
        for (Placement p : values()) if (p.id.equalsIgnoreCase(id) || p.name().equalsIgnoreCase(id)) return p;
        throw new IllegalArgumentException("unknown placement '" + id + "' (receptive-field or resize)");
    }
}
