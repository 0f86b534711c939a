package dev.gradcamviewer.atlas;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a prediction was, against an image's true labels. A model with two labels of which one
 * means "no finding" (Normal, No Finding, negative, healthy) has one positive label, and its images
 * are TP, FP, TN or FN for it. Any other model's prediction is TP when the predicted label is among
 * the image's true ones and FP when it is not (there is no single negative to count TN and FN by).
 */
public final class Outcomes {
    private static final Set<String> NEGATIVE = Set.of("normal", "no finding", "no_finding", "nofinding", "negative", "healthy", "none");

    private final List<String> labels;
    private final String positive;
    private final String negative;

    public Outcomes(List<String> labels) {
        this.labels = List.copyOf(labels);
        String pos = null;
        String neg = null;
        if (labels.size() == 2) {
            for (int i = 0; i < 2; i++) {
                if (isNegative(labels.get(i)) && !isNegative(labels.get(1 - i))) {
                    neg = labels.get(i);
                    pos = labels.get(1 - i);
                }
            }
        }
        this.positive = pos;
        this.negative = neg;
    }

    /** Whether a label means "nothing found": such a label has no place of its own in the image. */
    public static boolean isNegative(String label) {
        return NEGATIVE.contains(label.trim().toLowerCase(Locale.ROOT));
    }

    /** The model's one positive label, or null when it has none (multi-class, multi-label). */
    public String positive() { return positive; }

    /**
     * TP, FP, TN or FN of {@code predicted} against {@code truth} (true labels as the labels file
     * names them; a negative name or an empty set means nothing was found).
     */
    public String of(String predicted, Set<String> truth) {
        if (positive != null) {
            boolean actual = contains(truth, positive);
            boolean said = predicted.equals(positive);
            return said ? (actual ? "TP" : "FP") : (actual ? "FN" : "TN");
        }
        if (isNegative(predicted)) return truth.isEmpty() || truth.stream().allMatch(Outcomes::isNegative) ? "TP" : "FP";
        return contains(truth, predicted) ? "TP" : "FP";
    }

    /** The true labels under the model's own names where they match (case-insensitive; "No Finding" for its negative). */
    public String modelName(String truthLabel) {
        for (String l : labels) if (l.equalsIgnoreCase(truthLabel.trim())) return l;
        if (negative != null && isNegative(truthLabel)) return negative;
        return truthLabel.trim();
    }

    private boolean contains(Set<String> truth, String label) {
        for (String t : truth) if (modelName(t).equals(label)) return true;
        return false;
    }
}
