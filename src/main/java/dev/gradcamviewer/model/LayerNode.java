package dev.gradcamviewer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One row of the model's printed tree: {@code (name): Type(arguments)}. */
public final class LayerNode {
    private final String name;
    private final String path;
    private final String type;
    private final StringBuilder arguments = new StringBuilder();
    private final int repeat;
    private final List<LayerNode> children = new ArrayList<>();
    private boolean tapped;
    private String untappedReason = "";

    LayerNode(String name, String path, String type, String arguments, int repeat) {
        this.name = name;
        this.path = path;
        this.type = type;
        this.arguments.append(arguments);
        this.repeat = repeat;
    }

    /** The name in parentheses as printed ("4", "conv1"); empty for the root. */
    public String name() { return name; }

    /** The dotted path as in {@code named_modules()}; empty for the root. */
    public String path() { return path; }

    public String type() { return type; }

    public String arguments() { return arguments.toString(); }

    /** How many identical blocks a collapsed row such as {@code (0-11): 12 x Block(} stands for; 1 otherwise. */
    public int repeat() { return repeat; }

    public List<LayerNode> children() { return Collections.unmodifiableList(children); }

    public boolean isTapped() { return tapped; }

    /** Why this layer cannot be explained; empty when it is tapped. */
    public String untappedReason() { return untappedReason; }

    /** The row as printed, without its children: {@code (4): ResNetBlock}. */
    public String label() {
        String head = path.isEmpty() ? type : "(" + name + "): " + (repeat > 1 ? repeat + " x " : "") + type;
        return children.isEmpty() ? head + "(" + arguments + ")" : head; // as printed: Sigmoid(), Sequential()
    }

    void addChild(LayerNode child) { children.add(child); }

    void appendArguments(String text) {
        if (arguments.length() > 0) arguments.append(", ");
        arguments.append(text);
    }

    void markTapped() {
        tapped = true;
        untappedReason = "";
    }

    void markUntapped(String reason) {
        tapped = false;
        untappedReason = reason;
    }

    @Override
    public String toString() { return label(); }
}
