package dev.gradcamviewer.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model's layers, parsed from the exact text of {@code print(model)}.
 *
 * <p>PyTorch prints a module as {@code Type(} followed by one indented line per child,
 * {@code (name): Type(arguments)}, and a closing {@code )}; a module with children and its own
 * extra representation prints that as plain indented lines. Newer PyTorch collapses repeated
 * children of a list into {@code (0-11): 12 x Type(}.
 */
public final class ModelTree {
    private static final Pattern CHILD = Pattern.compile("^\\((?<name>[^)]*)\\): (?:(?<repeat>\\d+) x )?(?<rest>.*)$");
    private static final Pattern RANGE = Pattern.compile("\\d+-\\d+");

    private final LayerNode root;
    private final Map<String, LayerNode> byPath = new LinkedHashMap<>();

    private ModelTree(LayerNode root) {
        this.root = root;
        index(root);
    }

    public LayerNode root() { return root; }

    public Optional<LayerNode> find(String path) { return Optional.ofNullable(byPath.get(path)); }

    /** Every layer but the root, in printed order. */
    public List<LayerNode> layers() {
        List<LayerNode> all = new ArrayList<>(byPath.values());
        all.remove(root);
        return all;
    }

    private void index(LayerNode node) {
        byPath.put(node.path(), node);
        for (LayerNode child : node.children()) index(child);
    }

    /** Parses printed text; never fails on odd lines (they become arguments of the enclosing layer). */
    public static ModelTree parse(String printed) {
        String[] lines = printed.replace("\r\n", "\n").split("\n");
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) first++;
        if (first == lines.length) return new ModelTree(new LayerNode("", "", "(empty)", "", 1));
        String head = lines[first].trim();
        LayerNode root = new LayerNode("", "", typeOf(head), argumentsOf(head), 1);
        List<LayerNode> stack = new ArrayList<>();
        if (opens(head)) stack.add(root);
        for (int i = first + 1; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) continue;
            if (line.equals(")")) {
                if (!stack.isEmpty()) stack.remove(stack.size() - 1);
                continue;
            }
            LayerNode parent = stack.isEmpty() ? root : stack.get(stack.size() - 1);
            Matcher m = CHILD.matcher(line);
            if (!m.matches()) {
                parent.appendArguments(line);
                continue;
            }
            String name = m.group("name");
            String rest = m.group("rest");
            int repeat = m.group("repeat") == null ? 1 : Integer.parseInt(m.group("repeat"));
            String path = parent.path().isEmpty() ? name : parent.path() + "." + name;
            LayerNode node = new LayerNode(name, path, typeOf(rest), opens(rest) ? "" : argumentsOf(rest), repeat);
            parent.addChild(node);
            if (opens(rest)) stack.add(node);
        }
        return new ModelTree(root);
    }

    /** Marks tapped layers; the others get the reason they cannot be explained. */
    void markTaps(List<String> taps, Map<String, String> reasons, boolean hasManifest) {
        for (LayerNode node : byPath.values()) {
            if (node == root) continue;
            if (taps.contains(node.path())) {
                node.markTapped();
            } else if (!hasManifest) {
                node.markUntapped("this model file has no Grad-CAM manifest: export it with models/tools/export_model.py");
            } else if (reasons.containsKey(node.path())) {
                node.markUntapped(reasons.get(node.path()));
            } else if (RANGE.matcher(node.name()).matches() || node.repeat() > 1) {
                node.markUntapped("a collapsed row of repeated blocks: expand it to pick one");
            } else {
                node.markUntapped("not tapped by the exporter (no 4-D feature map, or not chosen)");
            }
        }
    }

    private static String typeOf(String rest) {
        int p = rest.indexOf('(');
        return (p < 0 ? rest : rest.substring(0, p)).trim();
    }

    private static boolean opens(String rest) {
        int depth = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
        }
        return depth > 0;
    }

    private static String argumentsOf(String rest) {
        int open = rest.indexOf('(');
        int close = rest.lastIndexOf(')');
        return open >= 0 && close > open ? rest.substring(open + 1, close) : "";
    }
}
