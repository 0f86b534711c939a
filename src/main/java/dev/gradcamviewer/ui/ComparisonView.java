package dev.gradcamviewer.ui;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Group;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;
import org.controlsfx.control.CheckComboBox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Several CAMs of the current image side by side, all from the same cached pass: chosen layers
 * (or all tapped blocks) with one method, or the five methods for one layer. The tiles are sized
 * to fit the visible area together (F fits them again); the wheel scrolls the grid, Ctrl+wheel
 * zooms, and zoom and pan are shared by every tile; clicking a tile makes its layer and method
 * current in the main view.
 */
final class ComparisonView extends BorderPane {
    static final String LAYERS = "Layers";
    static final String METHODS = "Methods";
    /** Tiles never get smaller than this: below it the grid scrolls. */
    static final double MIN_TILE = 140;
    private static final double GAP = 8;
    private static final double LABEL_HEIGHT = 22;

    /** What a tile shows. */
    record TileSpec(String layer, String methodId, String label) { }

    private final ComboBox<String> mode = new ComboBox<>();
    private final CheckComboBox<String> layers = new CheckComboBox<>();
    private final Button blocks = new Button("All blocks");
    private final Button export = new Button("Export figure…");
    private final TilePane grid = new TilePane(GAP, GAP);
    private final ScrollPane scroll = new ScrollPane();
    private final DoubleProperty tileSize = new SimpleDoubleProperty(300);
    private final DoubleProperty zoom = new SimpleDoubleProperty(1);
    private final DoubleProperty panX = new SimpleDoubleProperty(0);
    private final DoubleProperty panY = new SimpleDoubleProperty(0);
    private final List<TileSpec> tiles = new ArrayList<>();
    /** Each tile's faithfulness line, and the scores behind it (deletion, insertion; null until measured). */
    private final List<Label> scoreLabels = new ArrayList<>();
    private final List<double[]> scores = new ArrayList<>();
    private final List<javafx.scene.Node> tileNodes = new ArrayList<>();
    static final String AS_LISTED = "As listed";
    static final String BY_DELETION = "Deletion: most better than random first";
    static final String BY_INSERTION = "Insertion: most better than random first";
    private final ComboBox<String> sort = new ComboBox<>();
    private Consumer<TileSpec> onTileChosen = t -> { };
    private Runnable onChange = () -> { };
    private List<String> blockLayers = List.of();
    private boolean updating;
    private double lastX;
    private double lastY;

    ComparisonView() {
        setId("comparison");
        mode.getItems().setAll(LAYERS, METHODS);
        mode.setValue(LAYERS);
        mode.setId("compare-mode");
        layers.setId("compare-layers");
        layers.setTitle("Choose layers");
        blocks.setId("compare-blocks");
        export.setId("compare-export");
        blocks.setTooltip(new javafx.scene.control.Tooltip("Tick every tapped block of the model"));
        export.setTooltip(new javafx.scene.control.Tooltip("Save every tile whole, labelled, with the image name, "
                + "prediction, method, score and a colour bar, as a PNG figure"));
        Label title = new Label("Compare");
        sort.getItems().setAll(AS_LISTED, BY_DELETION, BY_INSERTION);
        sort.setValue(AS_LISTED);
        sort.setId("compare-sort");
        sort.setTooltip(new javafx.scene.control.Tooltip("Order the tiles by a faithfulness score (measured in the background after the "
                + "maps show): deletion, lower is better; insertion, higher is better; each beside the random map's "
                + "(one fixed-seed map for every tile of the image). Sorting and the star go by how much better than the random map a tile does."));
        sort.valueProperty().addListener((o, a, b) -> arrange());
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 4, title, mode, layers, blocks, new Label("Sort"), sort, export);
        for (javafx.scene.control.Control c : List.of(title, mode, layers, blocks, sort, export)) c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4));
        setTop(bar);
        grid.setPadding(new Insets(GAP));
        grid.prefTileWidthProperty().bind(tileSize);
        grid.setId("compare-grid");
        scroll.setContent(grid);
        scroll.setFitToWidth(true);
        scroll.setId("compare-scroll");
        scroll.viewportBoundsProperty().addListener((o, a, b) -> fitTiles());
        setCenter(scroll);
        mode.valueProperty().addListener((o, a, b) -> {
            layers.setDisable(METHODS.equals(b));
            blocks.setDisable(METHODS.equals(b));
            changed();
        });
        layers.getCheckModel().getCheckedItems().addListener((javafx.collections.ListChangeListener<String>) c -> changed());
        blocks.setOnAction(e -> checkLayers(blockLayers));
    }

    /** Blocks: tapped layers with children, at the shallowest depth where there are two or more. */
    static List<String> blockLayers(dev.gradcamviewer.model.ModelBundle b) {
        java.util.TreeMap<Integer, List<String>> byDepth = new java.util.TreeMap<>();
        for (var n : b.tree().layers()) {
            if (n.isTapped() && !n.children().isEmpty()) {
                byDepth.computeIfAbsent((int) n.path().chars().filter(c -> c == '.').count(), k -> new ArrayList<>()).add(n.path());
            }
        }
        for (List<String> atDepth : byDepth.values()) if (atDepth.size() >= 2) return atDepth;
        return byDepth.isEmpty() ? List.of() : byDepth.firstEntry().getValue();
    }

    void setOnTileChosen(Consumer<TileSpec> c) { onTileChosen = c; }

    void setOnChange(Runnable r) { onChange = r; }

    void setOnExport(Runnable r) { export.setOnAction(e -> r.run()); }

    /** The model's tapped layers, and the blocks that "All tapped blocks" ticks (ticked at first). */
    void setLayers(List<String> tapped, List<String> blocks) {
        updating = true;
        layers.getCheckModel().clearChecks();
        layers.getItems().setAll(tapped);
        blockLayers = blocks;
        for (String b : blocks) layers.getCheckModel().check(b);
        updating = false;
    }

    void checkLayers(List<String> chosen) {
        updating = true;
        layers.getCheckModel().clearChecks();
        for (String l : chosen) layers.getCheckModel().check(l);
        updating = false;
        changed();
    }

    boolean methodsMode() { return METHODS.equals(mode.getValue()); }

    void setMode(String m) { mode.setValue(m); }

    List<String> checkedLayers() { return new ArrayList<>(layers.getCheckModel().getCheckedItems()); }

    List<TileSpec> tiles() { return tiles; }

    TilePane grid() { return grid; }

    ScrollPane scrollPane() { return scroll; }

    double tileSize() { return tileSize.get(); }

    double zoom() { return zoom.get(); }

    /** F: every tile whole and all tiles in view (as far as the minimum tile size allows). */
    void fitAll() {
        zoom.set(1);
        panX.set(0);
        panY.set(0);
        fitTiles();
        scroll.setVvalue(0);
    }

    /** The largest tile size at which all tiles fit the visible area, and the columns for it. */
    private void fitTiles() {
        int n = Math.max(1, tiles.size());
        javafx.geometry.Bounds view = scroll.getViewportBounds();
        double w = view.getWidth() - 2 * GAP;
        double h = view.getHeight() - 2 * GAP;
        if (w <= 0 || h <= 0) return;
        double best = 0;
        int bestColumns = 1;
        for (int c = 1; c <= n; c++) {
            int r = (n + c - 1) / c;
            double size = Math.min((w - GAP * (c - 1)) / c, (h - (GAP + LABEL_HEIGHT) * r) / r);
            if (size > best) {
                best = size;
                bestColumns = c;
            }
        }
        double size = Math.floor(Math.max(MIN_TILE, best));
        int columns = best >= MIN_TILE ? bestColumns : Math.max(1, (int) ((w + GAP) / (MIN_TILE + GAP)));
        tileSize.set(size);
        grid.setPrefColumns(columns);
    }

    private void changed() {
        if (!updating) onChange.run();
    }

    /** Shows tiles: the original (shared) with each tile's heat layer at the given offset. */
    void show(Image base, List<TileSpec> specs, List<Image> heats, List<int[]> offsets, double alpha) {
        tiles.clear();
        tiles.addAll(specs);
        grid.getChildren().clear();
        scoreLabels.clear();
        scores.clear();
        tileNodes.clear();
        fitTiles();
        double longer = Math.max(base.getWidth(), base.getHeight());
        for (int i = 0; i < specs.size(); i++) {
            TileSpec spec = specs.get(i);
            ImageView b = new ImageView(base);
            ImageView h = new ImageView(heats.get(i));
            h.setOpacity(alpha);
            if (offsets.get(i) != null) {
                h.setLayoutX(offsets.get(i)[0]);
                h.setLayoutY(offsets.get(i)[1]);
            }
            Group content = new Group(b, h);
            Scale scale = new Scale();
            scale.xProperty().bind(zoom.multiply(tileSize).divide(longer));
            scale.yProperty().bind(zoom.multiply(tileSize).divide(longer));
            Translate pan = new Translate();
            pan.xProperty().bind(panX);
            pan.yProperty().bind(panY);
            content.getTransforms().addAll(pan, scale);
            Pane view = new Pane(content);
            view.prefWidthProperty().bind(tileSize);
            view.prefHeightProperty().bind(tileSize);
            view.minWidthProperty().bind(tileSize);
            view.minHeightProperty().bind(tileSize);
            view.maxWidthProperty().bind(tileSize);
            view.maxHeightProperty().bind(tileSize);
            Rectangle clip = new Rectangle();
            clip.widthProperty().bind(tileSize);
            clip.heightProperty().bind(tileSize);
            view.setClip(clip);
            view.setStyle("-fx-background-color: #1e1e1e;");
            view.setOnScroll(e -> {
                if (!e.isControlDown() && !e.isShortcutDown()) return; // the plain wheel scrolls the grid
                if (e.getDeltaY() == 0) return;
                double fit = tileSize.get() / longer;
                double f = e.getDeltaY() > 0 ? 1.25 : 0.8;
                double nz = Math.max(0.25, Math.min(32, zoom.get() * f));
                double ix = (e.getX() - panX.get()) / (zoom.get() * fit);
                double iy = (e.getY() - panY.get()) / (zoom.get() * fit);
                zoom.set(nz);
                panX.set(e.getX() - ix * nz * fit);
                panY.set(e.getY() - iy * nz * fit);
                e.consume();
            });
            view.setOnMousePressed(e -> {
                lastX = e.getX();
                lastY = e.getY();
            });
            view.setOnMouseDragged(e -> {
                panX.set(panX.get() + e.getX() - lastX);
                panY.set(panY.get() + e.getY() - lastY);
                lastX = e.getX();
                lastY = e.getY();
            });
            view.setOnMouseClicked(e -> {
                if (e.isStillSincePress()) onTileChosen.accept(spec);
            });
            Label label = new Label(spec.label());
            label.maxWidthProperty().bind(tileSize);
            label.setTooltip(new javafx.scene.control.Tooltip(spec.label()));
            Label score = new Label(heats.get(i) == null ? "" : "faithfulness: measuring\u2026");
            score.setId("tile-score-" + i);
            score.getStyleClass().add("tile-score");
            score.maxWidthProperty().bind(tileSize);
            score.setWrapText(true);
            score.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            scoreLabels.add(score);
            scores.add(null);
            VBox tile = new VBox(2, view, label, score);
            tile.setId("tile-" + i);
            VBox.setVgrow(view, Priority.NEVER);
            tileNodes.add(tile);
            grid.getChildren().add(tile);
        }
    }

    /**
     * A tile's faithfulness: deletion and insertion of its map and of the random map on the same
     * image ({@code scores}: deletion, insertion, random deletion, random insertion).
     */
    void showScore(int tile, double[] s) {
        if (tile >= scores.size()) return;
        scores.set(tile, s);
        scoreLabels.get(tile).setText(String.format(java.util.Locale.ROOT, "deletion %.2f \u00b7 insertion %.2f (random %.2f \u00b7 %.2f)", s[0], s[1], s[2], s[3]));
        scoreLabels.get(tile).setTooltip(new javafx.scene.control.Tooltip(String.format(java.util.Locale.ROOT,
                "Deletion %.3f: area under the label's probability as the map's pixels are blacked out, most heated first "
                        + "(lower is better; the random map: %.3f, better than random by %.3f).%nInsertion %.3f: the same revealing "
                        + "them on a blurred copy (higher is better; random: %.3f).", s[0], s[2], s[2] - s[0], s[1], s[3])));
        arrange();
    }

    /**
     * How much better than the random map a tile's map does (what the README calls better): by
     * deletion, the random map's deletion minus its own; by insertion, its insertion minus random's.
     */
    static double margin(double[] s, boolean byInsertion) {
        return byInsertion ? s[1] - s[3] : s[2] - s[0];
    }

    /** The tiles in the order shown, each with its score line (empty when not measured). */
    List<java.util.Map.Entry<TileSpec, String>> shownTiles() {
        List<java.util.Map.Entry<TileSpec, String>> out = new ArrayList<>();
        for (javafx.scene.Node n : grid.getChildren()) {
            int i = tileNodes.indexOf(n);
            if (i >= 0) out.add(java.util.Map.entry(tiles.get(i), scores.get(i) == null ? "" : scoreLabels.get(i).getText()));
        }
        return out;
    }

    /** The tile order the sort asks for (tiles without scores last), and a star on the one most better than the random map. */
    private void arrange() {
        boolean byInsertion = BY_INSERTION.equals(sort.getValue());
        int best = -1;
        for (int i = 0; i < scores.size(); i++) {
            double[] s = scores.get(i);
            if (s == null) continue;
            if (best < 0 || margin(s, byInsertion) > margin(scores.get(best), byInsertion)) best = i;
        }
        for (int i = 0; i < scoreLabels.size(); i++) {
            Label l = scoreLabels.get(i);
            l.setText(l.getText().replace("\u2605 best \u00b7 ", ""));
            l.getStyleClass().remove("tile-best");
            if (i == best) {
                l.setText("\u2605 best \u00b7 " + l.getText());
                l.getStyleClass().add("tile-best");
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tileNodes.size(); i++) order.add(i);
        if (!AS_LISTED.equals(sort.getValue())) {
            order.sort((a, b) -> {
                double[] x = scores.get(a);
                double[] y = scores.get(b);
                if (x == null || y == null) return x == null ? (y == null ? Integer.compare(a, b) : 1) : -1;
                return Double.compare(margin(y, byInsertion), margin(x, byInsertion));
            });
        }
        List<javafx.scene.Node> arranged = new ArrayList<>();
        for (int i : order) arranged.add(tileNodes.get(i));
        if (!arranged.equals(grid.getChildren())) grid.getChildren().setAll(arranged);
    }

    /** For tests: the tiles' labels in the order shown. */
    List<String> shownOrder() {
        List<String> out = new ArrayList<>();
        for (javafx.scene.Node n : grid.getChildren()) {
            int i = tileNodes.indexOf(n);
            if (i >= 0) out.add(tiles.get(i).label());
        }
        return out;
    }

    /** For tests: each tile's score line, in the tiles' own order. */
    List<String> scoreTexts() { return scoreLabels.stream().map(Label::getText).toList(); }

    javafx.beans.property.ObjectProperty<String> sortProperty() { return sort.valueProperty(); }

    void clear(String why) {
        tiles.clear();
        grid.getChildren().setAll(new Label(why));
    }
}
