package dev.gradcamviewer.ui;

import dev.gradcamviewer.model.LayerNode;
import dev.gradcamviewer.model.ModelTree;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * The model's printed tree: each row as printed ({@code (4): ResNetBlock}), its dotted path on
 * hover; tapped layers can be chosen, the others are greyed with the reason; a filter box.
 */
final class LayerPicker extends VBox {
    private final TextField filter = new TextField();
    private final TreeView<LayerNode> tree = new TreeView<>();
    private ModelTree model;
    private Consumer<String> onLayer = p -> { };
    private Consumer<String> onUntapped = r -> { };
    private boolean updating;
    /** The layer whose map is shown (the last tapped layer chosen). */
    private String current;

    LayerPicker() {
        super(4);
        filter.setPromptText("Filter: name (conv2) or type (type:BatchNorm)");
        filter.setId("layer-filter");
        tree.setId("layer-tree");
        tree.setShowRoot(true);
        tree.setPrefHeight(320);
        // at least six rows: on a small screen the right panel scrolls rather than squeezing the tree to one or two
        tree.setMinHeight(150);
        VBox.setVgrow(tree, Priority.ALWAYS);
        getChildren().addAll(filter, tree);
        tree.setCellFactory(t -> new LayerCell());
        tree.getSelectionModel().selectedItemProperty().addListener((o, previous, item) -> {
            if (updating || item == null || item.getValue() == null) return;
            LayerNode n = item.getValue();
            if (n.isTapped()) {
                current = n.path();
                onLayer.accept(n.path());
            } else {
                if (!n.path().isEmpty()) onUntapped.accept(n.untappedReason());
                // a row that cannot be explained never looks selected while the heat shows another layer
                String keep = current;
                javafx.application.Platform.runLater(() -> {
                    updating = true;
                    if (keep != null) find(tree.getRoot(), keep).ifPresentOrElse(tree.getSelectionModel()::select, tree.getSelectionModel()::clearSelection);
                    else tree.getSelectionModel().clearSelection();
                    updating = false;
                });
            }
        });
        // arrow keys step over rows that cannot be explained, so the overlay always follows
        tree.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() != javafx.scene.input.KeyCode.DOWN && e.getCode() != javafx.scene.input.KeyCode.UP) return;
            int dir = e.getCode() == javafx.scene.input.KeyCode.DOWN ? 1 : -1;
            int row = tree.getSelectionModel().getSelectedIndex();
            for (int r = row + dir; r >= 0 && r < tree.getExpandedItemCount(); r += dir) {
                TreeItem<LayerNode> it = tree.getTreeItem(r);
                if (it != null && it.getValue() != null && it.getValue().isTapped()) {
                    tree.getSelectionModel().select(r);
                    tree.scrollTo(Math.max(0, r - 3));
                    break;
                }
            }
            e.consume();
        });
        filter.textProperty().addListener((o, a, b) -> rebuild(selectedPath()));
    }

    void setOnLayerChosen(Consumer<String> c) { onLayer = c; }

    void setOnUntappedChosen(Consumer<String> c) { onUntapped = c; }

    void show(ModelTree tree, String selected) {
        this.model = tree;
        this.current = selected;
        rebuild(selected);
    }

    /** Selects a layer by dotted path, as a click would. */
    void select(String path) {
        find(tree.getRoot(), path).ifPresent(item -> {
            tree.getSelectionModel().select(item);
            tree.scrollTo(tree.getRow(item));
        });
    }

    TreeView<LayerNode> treeView() { return tree; }

    private String selectedPath() {
        TreeItem<LayerNode> s = tree.getSelectionModel().getSelectedItem();
        return s == null || s.getValue() == null ? null : s.getValue().path();
    }

    private void rebuild(String selected) {
        if (model == null) return;
        updating = true;
        String f = filter.getText() == null ? "" : filter.getText().trim().toLowerCase(Locale.ROOT);
        TreeItem<LayerNode> root = item(model.root(), f);
        if (root == null) root = new TreeItem<>(model.root());
        root.setExpanded(true);
        tree.setRoot(root);
        updating = false;
        if (selected != null) {
            find(root, selected).ifPresent(it -> {
                updating = true;
                tree.getSelectionModel().select(it);
                updating = false;
                tree.scrollTo(Math.max(0, tree.getRow(it) - 3));
            });
        }
    }

    /**
     * The filter (lower case) against a layer: names and types separately, so that "conv2" finds the
     * layers named conv2, not every Conv2d. A name matches by part of its dotted path; a type only
     * whole ("conv2d"), or by its beginning when written "type:conv".
     */
    static boolean matches(LayerNode node, String filter) {
        if (filter.isEmpty()) return true;
        String type = node.type() == null ? "" : node.type().toLowerCase(Locale.ROOT);
        if (filter.startsWith("type:")) return type.startsWith(filter.substring(5).trim());
        return node.path().toLowerCase(Locale.ROOT).contains(filter) || type.equals(filter);
    }

    /** The node's item with the children that match the filter (or lead to a match); null if none. */
    private static TreeItem<LayerNode> item(LayerNode node, String filter) {
        TreeItem<LayerNode> it = new TreeItem<>(node);
        for (LayerNode child : node.children()) {
            TreeItem<LayerNode> c = item(child, filter);
            if (c != null) it.getChildren().add(c);
        }
        boolean matches = matches(node, filter);
        if (!matches && it.getChildren().isEmpty()) return null;
        // expand down to tapped blocks so the default layer is visible; filtered trees open fully
        it.setExpanded(!filter.isEmpty() || node.path().isEmpty() || node.path().chars().filter(ch -> ch == '.').count() < 1);
        return it;
    }

    private static java.util.Optional<TreeItem<LayerNode>> find(TreeItem<LayerNode> item, String path) {
        if (item == null) return java.util.Optional.empty();
        if (item.getValue() != null && item.getValue().path().equals(path)) return java.util.Optional.of(item);
        for (TreeItem<LayerNode> c : item.getChildren()) {
            var r = find(c, path);
            if (r.isPresent()) {
                item.setExpanded(true);
                return r;
            }
        }
        return java.util.Optional.empty();
    }

    private static final class LayerCell extends TreeCell<LayerNode> {
        @Override
        protected void updateItem(LayerNode n, boolean empty) {
            super.updateItem(n, empty);
            if (empty || n == null) {
                setText(null);
                setTooltip(null);
                getStyleClass().remove("untapped");
                return;
            }
            setText(n.label());
            String tip = n.label() + "\n" + (n.path().isEmpty() ? "the whole model" : n.path());
            if (!n.isTapped() && !n.path().isEmpty()) tip += "\n" + n.untappedReason();
            setTooltip(new Tooltip(tip));
            getStyleClass().remove("untapped");
            if (!n.isTapped() && !n.path().isEmpty()) getStyleClass().add("untapped");
        }
    }
}
