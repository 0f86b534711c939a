package dev.gradcamviewer.ui;

import dev.gradcamviewer.model.Prediction;
import dev.gradcamviewer.review.Verdict;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The images being reviewed: thumbnail, name, prediction and verdict; sortable and filterable;
 * background predictions with a progress bar and a cancel button; where the verdicts are saved.
 */
final class WorklistPanel extends VBox {
    static final List<String> SORTS = List.of("Name", "Probability", "Verdict");
    static final List<String> FILTERS = List.of("All", "Unreviewed", "Agreed", "Disagreed", "Unsure");

    private final ObservableList<WorkItem> items = FXCollections.observableArrayList(
            i -> new javafx.beans.Observable[] {i.prediction, i.verdict, i.note, i.thumbnail});
    private final FilteredList<WorkItem> filtered = new FilteredList<>(items);
    private final SortedList<WorkItem> sorted = new SortedList<>(filtered);
    private final ListView<WorkItem> list = new ListView<>(sorted);
    private final ComboBox<String> sort = new ComboBox<>(FXCollections.observableArrayList(SORTS));
    private final ComboBox<String> filter = new ComboBox<>(FXCollections.observableArrayList(FILTERS));
    private final ProgressBar progress = new ProgressBar(0);
    private final Button cancel = new Button("Cancel");
    private final Label where = new Label();
    private Consumer<WorkItem> onChosen = i -> { };
    private boolean updating;

    WorklistPanel() {
        super(4);
        setId("worklist");
        setPadding(new Insets(4));
        list.setId("worklist-list");
        sort.setId("worklist-sort");
        filter.setId("worklist-filter");
        sort.setValue("Name");
        filter.setValue("All");
        cancel.setId("worklist-cancel");
        progress.setMaxWidth(Double.MAX_VALUE);
        where.setWrapText(true);
        where.setId("review-location");
        where.setStyle("-fx-font-size: 0.85em;");
        HBox controls = new HBox(4, sort, filter);
        HBox work = new HBox(4, progress, cancel);
        HBox.setHgrow(progress, Priority.ALWAYS);
        VBox.setVgrow(list, Priority.ALWAYS);
        getChildren().addAll(new Label("Worklist"), controls, work, list, where);
        list.setCellFactory(l -> new ItemCell());
        sort.valueProperty().addListener((o, a, b) -> sorted.setComparator(comparator(b)));
        filter.valueProperty().addListener((o, a, b) -> filtered.setPredicate(predicate(b)));
        sorted.setComparator(comparator("Name"));
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!updating && b != null) onChosen.accept(b);
        });
        setPrefWidth(260);
        setMinWidth(180);
    }

    void setOnChosen(Consumer<WorkItem> c) { onChosen = c; }

    void setItems(List<WorkItem> newItems) {
        updating = true;
        items.setAll(newItems);
        updating = false;
    }

    List<WorkItem> items() { return items; }

    /** The items in the order shown (after sorting and filtering). */
    List<WorkItem> shown() { return sorted; }

    void select(WorkItem item) {
        updating = true;
        list.getSelectionModel().select(item);
        list.scrollTo(item);
        updating = false;
    }

    void setProgress(double p, boolean running) {
        progress.setProgress(p);
        cancel.setDisable(!running);
    }

    void setOnCancel(Runnable r) { cancel.setOnAction(e -> r.run()); }

    void setLocation(String text) { where.setText(text); }

    ListView<WorkItem> listView() { return list; }

    private static Comparator<WorkItem> comparator(String by) {
        Comparator<WorkItem> byName = Comparator.comparing(WorkItem::name, String.CASE_INSENSITIVE_ORDER);
        return switch (by) {
            case "Probability" -> Comparator.comparingDouble(WorkItem::predictedProbability).reversed().thenComparing(byName);
            case "Verdict" -> Comparator.<WorkItem>comparingInt(i -> i.verdict.get() == null ? -1 : i.verdict.get().ordinal()).thenComparing(byName);
            default -> byName;
        };
    }

    private static java.util.function.Predicate<WorkItem> predicate(String f) {
        return switch (f) {
            case "Unreviewed" -> i -> i.verdict.get() == null;
            case "Agreed" -> i -> i.verdict.get() == Verdict.AGREE;
            case "Disagreed" -> i -> i.verdict.get() == Verdict.DISAGREE;
            case "Unsure" -> i -> i.verdict.get() == Verdict.UNSURE;
            default -> i -> true;
        };
    }

    private final class ItemCell extends ListCell<WorkItem> {
        @Override
        protected void updateItem(WorkItem item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
                setTooltip(null);
                getStyleClass().removeAll("verdict-disagree", "verdict-agree");
                return;
            }
            Prediction p = item.prediction.get();
            String pred = !item.problem.get().isEmpty() ? "cannot read" : p == null ? "…" : String.format(Locale.ROOT, "%s %.0f %%",
                    p.predictedLabel(), 100 * p.probability(p.predicted()));
            Verdict v = item.verdict.get();
            String verdict = v == null ? "unreviewed" : v.id() + (item.note.get().isBlank() ? "" : " ✎");
            setText(item.name() + "\n" + pred + " · " + verdict);
            // a narrow worklist cuts long names: the whole of it on hover
            setTooltip(new javafx.scene.control.Tooltip(item.file.toString() + "\n" + pred + " · " + verdict
                    + (item.note.get().isBlank() ? "" : "\nNote: " + item.note.get())
                    + (item.problem.get().isEmpty() ? "" : "\n" + item.problem.get())));
            Image thumb = item.thumbnail.get();
            setGraphic(thumb == null ? null : new ImageView(thumb));
            getStyleClass().removeAll("verdict-disagree", "verdict-agree");
            if (v == Verdict.DISAGREE) getStyleClass().add("verdict-disagree");
            else if (v == Verdict.AGREE) getStyleClass().add("verdict-agree");
        }
    }
}
