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
import javafx.scene.layout.HBox;
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
 * (or all tapped blocks) with one method, or the five methods for one layer. Zoom and pan are
 * shared by every tile; clicking a tile makes its layer and method current in the main view.
 */
final class ComparisonView extends BorderPane {
    static final String LAYERS = "Layers";
    static final String METHODS = "Methods";
    static final double TILE = 300;

    /** What a tile shows. */
    record TileSpec(String layer, String methodId, String label) { }

    private final ComboBox<String> mode = new ComboBox<>();
    private final CheckComboBox<String> layers = new CheckComboBox<>();
    private final Button blocks = new Button("All tapped blocks");
    private final Button export = new Button("Export grid as PNG…");
    private final TilePane grid = new TilePane(8, 8);
    private final DoubleProperty zoom = new SimpleDoubleProperty(1);
    private final DoubleProperty panX = new SimpleDoubleProperty(0);
    private final DoubleProperty panY = new SimpleDoubleProperty(0);
    private final List<TileSpec> tiles = new ArrayList<>();
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
        layers.setTitle("Layers");
        blocks.setId("compare-blocks");
        export.setId("compare-export");
        HBox bar = new HBox(8, new Label("Compare"), mode, layers, blocks, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4));
        setTop(bar);
        grid.setPadding(new Insets(8));
        grid.setPrefTileWidth(TILE);
        grid.setPrefColumns(3);
        grid.setId("compare-grid");
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        setCenter(scroll);
        mode.valueProperty().addListener((o, a, b) -> {
            layers.setDisable(METHODS.equals(b));
            blocks.setDisable(METHODS.equals(b));
            changed();
        });
        layers.getCheckModel().getCheckedItems().addListener((javafx.collections.ListChangeListener<String>) c -> changed());
        blocks.setOnAction(e -> checkLayers(blockLayers));
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

    private void changed() {
        if (!updating) onChange.run();
    }

    /** Shows tiles: the original (shared) with each tile's heat layer at the given offset. */
    void show(Image base, List<TileSpec> specs, List<Image> heats, List<int[]> offsets, double alpha) {
        tiles.clear();
        tiles.addAll(specs);
        grid.getChildren().clear();
        double fit = Math.min(TILE / base.getWidth(), TILE / base.getHeight());
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
            scale.xProperty().bind(zoom.multiply(fit));
            scale.yProperty().bind(zoom.multiply(fit));
            Translate pan = new Translate();
            pan.xProperty().bind(panX);
            pan.yProperty().bind(panY);
            content.getTransforms().addAll(pan, scale);
            Pane view = new Pane(content);
            view.setPrefSize(TILE, TILE);
            view.setMinSize(TILE, TILE);
            view.setMaxSize(TILE, TILE);
            view.setClip(new Rectangle(TILE, TILE));
            view.setStyle("-fx-background-color: #1e1e1e;");
            view.setOnScroll(e -> {
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
            label.setMaxWidth(TILE);
            VBox tile = new VBox(2, view, label);
            tile.setId("tile-" + i);
            VBox.setVgrow(view, Priority.NEVER);
            grid.getChildren().add(tile);
        }
    }

    void clear(String why) {
        tiles.clear();
        grid.getChildren().setAll(new Label(why));
    }
}
