package dev.gradcamviewer.ui.atlas;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Atlas tab: an atlas folder's groups (per predicted label, true label and outcome, with each
 * share beside a uniform map's), the selected group's mean map, and its images sorted by how
 * strongly they are flagged; choosing an image opens it in the Image tab at the group's method and
 * layer.
 */
public final class AtlasView extends BorderPane {
    private final TableView<AtlasFolder.Group> groups = new TableView<>();
    private final ImageView meanMap = new ImageView();
    private final Label meanLabel = new Label();
    private final ListView<AtlasFolder.ImageRow> images = new ListView<>();
    private final Label summary = new Label("Open a folder made by gradcam-viewer atlas: where the model looks across a dataset, per label, with the images most flagged first.");
    private final Button open = new Button("Open atlas…");
    private final Button run = new Button("Make one of the worklist…");
    private final Button cancel = new Button("Cancel");
    private final javafx.scene.control.ProgressBar progress = new javafx.scene.control.ProgressBar(0);
    private final TableColumn<AtlasFolder.Group, String> layerColumn = column("layer", AtlasFolder.Group::layer);
    private AtlasFolder atlas;
    private Consumer<AtlasFolder.ImageRow> onImageChosen = r -> { };

    public AtlasView() {
        setId("atlas-view");
        groups.setId("atlas-groups");
        images.setId("atlas-images");
        meanMap.setId("atlas-mean-map");
        open.setId("atlas-open");
        summary.setId("atlas-summary");
        summary.setWrapText(true);
        layerColumn.setVisible(false);
        groups.getColumns().setAll(java.util.List.of(
                column("group", g -> (g.flagged() ? "⚑ " : "") + g.label() + switch (g.by()) {
                    case "truth" -> " (true)";
                    case "outcome" -> " (outcome)";
                    default -> "";
                }),
                column("method", AtlasFolder.Group::method), layerColumn, column("images", g -> Integer.toString(g.images())),
                column("outside body", g -> pct(g.outsideBody()) + " / " + pct(g.uniformOutsideBody())),
                column("peak outside", g -> pct(g.peakOutsideBody())), column("fixed spot", g -> pct(g.fixedSpot())),
                column("flagged", g -> Integer.toString(g.flaggedImages()))));
        groups.getColumns().get(0).setMinWidth(150);
        groups.getColumns().get(4).setMinWidth(110);
        groups.setTooltip(new javafx.scene.control.Tooltip("outside body: the maps' share of heat outside the body / a uniform map's. "
                + "peak outside: the share of maps whose peak lies outside the body. fixed spot: the share whose peak sits at the group's median spot."));
        groups.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        groups.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AtlasFolder.Group g, boolean empty) {
                super.updateItem(g, empty);
                setStyle(!empty && g != null && g.flagged() ? "-fx-background-color: rgba(217,48,37,0.25);" : "");
            }
        });
        groups.getSelectionModel().selectedItemProperty().addListener((o, a, g) -> showGroup(g));
        images.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(AtlasFolder.ImageRow r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : (r.flagged() ? "⚑ " : "   ") + r.image().getFileName() + "  —  " + pct(r.outsideBody())
                        + " outside the body" + (r.peakOutsideBody() ? "; peak outside" : "") + (r.peakInBorder() ? "; peak in the band" : ""));
            }
        });
        images.setOnMouseClicked(e -> {
            AtlasFolder.ImageRow r = images.getSelectionModel().getSelectedItem();
            if (r != null) onImageChosen.accept(r);
        });
        images.setOnKeyPressed(e -> {
            AtlasFolder.ImageRow r = images.getSelectionModel().getSelectedItem();
            if (r != null && e.getCode() == javafx.scene.input.KeyCode.ENTER) onImageChosen.accept(r);
        });
        meanMap.setFitWidth(220);
        meanMap.setFitHeight(220);
        meanMap.setPreserveRatio(true);
        meanLabel.setWrapText(true);
        meanLabel.setMaxWidth(220);
        VBox mean = new VBox(4, meanMap, meanLabel);
        mean.setMinWidth(224);
        mean.setMaxWidth(224);
        VBox list = new VBox(4, new Label("Images, the most flagged first (click to open):"), images);
        VBox.setVgrow(images, Priority.ALWAYS);
        HBox below = new HBox(8, mean, list);
        HBox.setHgrow(list, Priority.ALWAYS);
        below.setPadding(new Insets(6));
        SplitPane split = new SplitPane(groups, below);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        run.setId("atlas-run");
        cancel.setId("atlas-cancel");
        progress.setId("atlas-progress");
        run.setTooltip(new javafx.scene.control.Tooltip("Grad-CAM and HiResCAM (and the chosen method) of every worklist image at the current layer, "
                + "into a folder you choose, as gradcam-viewer atlas makes them; the viewer stays usable meanwhile"));
        showProgress(-1, 0);
        HBox top = new HBox(10, open, run, progress, cancel, summary);
        top.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        top.setPadding(new Insets(6));
        HBox.setHgrow(summary, Priority.ALWAYS);
        setTop(top);
        setCenter(split);
    }

    private static <T> TableColumn<T, String> column(String name, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(name);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setSortable(true);
        return c;
    }

    /** The "Make one of the worklist…" button's action. */
    public void setOnRun(Runnable r) { run.setOnAction(e -> r.run()); }

    /** The Cancel button's action (while an atlas is being made). */
    public void setOnCancel(Runnable r) { cancel.setOnAction(e -> r.run()); }

    /** An atlas being made: {@code done} of {@code total} images; a negative {@code done}: none is. */
    public void showProgress(int done, int total) {
        boolean busy = done >= 0 && total > 0;
        progress.setVisible(busy);
        progress.setManaged(busy);
        cancel.setVisible(busy);
        cancel.setManaged(busy);
        run.setDisable(busy);
        if (busy) {
            progress.setProgress((double) done / total);
            summary.setText("Making an atlas: " + done + " of " + total + " images");
        }
    }

    /** The "Open atlas…" button's action. */
    public void setOnOpen(Runnable r) { open.setOnAction(e -> r.run()); }

    /** What happens when an image is chosen: the viewer shows it at the group's method and layer. */
    public void setOnImageChosen(Consumer<AtlasFolder.ImageRow> c) { onImageChosen = c; }

    /** Shows an atlas; the first flagged group (or the first) selected. */
    public void show(AtlasFolder a) {
        atlas = a;
        groups.getItems().setAll(a.groups());
        layerColumn.setVisible(a.groups().stream().map(AtlasFolder.Group::layer).distinct().count() > 1);
        long flagged = a.groups().stream().filter(AtlasFolder.Group::flagged).count();
        summary.setText(a.dir().getFileName() + ": " + a.modelName() + ", " + a.imagesDone() + " images" + (a.partial() ? " (partial: the run was stopped)" : "")
                + "; " + (flagged == 0 ? "nothing flagged" : flagged + " group" + (flagged == 1 ? "" : "s") + " flagged ⚑"));
        AtlasFolder.Group first = a.groups().stream().filter(AtlasFolder.Group::flagged).findFirst().orElse(a.groups().isEmpty() ? null : a.groups().get(0));
        if (first != null) groups.getSelectionModel().select(first);
        else showGroup(null);
    }

    public AtlasFolder atlas() { return atlas; }

    private void showGroup(AtlasFolder.Group g) {
        if (g == null || atlas == null) {
            meanMap.setImage(null);
            meanLabel.setText("");
            images.getItems().clear();
            return;
        }
        meanMap.setImage(g.meanMap() == null ? null : new Image(g.meanMap().toUri().toString(), true));
        meanLabel.setText("Mean map of " + g.label() + " (" + g.method() + ", " + g.layer() + ")" + (g.finding().isEmpty() ? "" : ": " + g.finding()));
        images.getItems().setAll(atlas.imagesOf(g));
    }

    /** For tests: the groups shown and the images of the selected one. */
    public TableView<AtlasFolder.Group> groupsTable() { return groups; }

    public ListView<AtlasFolder.ImageRow> imagesList() { return images; }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }
}
