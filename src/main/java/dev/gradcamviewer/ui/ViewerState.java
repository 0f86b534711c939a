package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.model.ModelBundle;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.image.Image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The viewer's state, shared by the window and its controllers (all on the FX thread): the model,
 * the worklist and which image is current, the chosen layer and label, and what is on screen. What
 * other parts follow is a JavaFX property; the display choices live in {@link DisplayControls}.
 */
final class ViewerState {
    /** The worklist's predictions, let through by long work on the model's thread. */
    final ModelTurns modelTurns = new ModelTurns();
    final SimpleObjectProperty<ModelBundle> bundle = new SimpleObjectProperty<>();
    /** The image on screen with its model pass. */
    final SimpleObjectProperty<ExplainedImage> shown = new SimpleObjectProperty<>();
    /** The heat layer on screen; null while none is drawn. */
    final SimpleObjectProperty<PlacedMap> heat = new SimpleObjectProperty<>();
    /** Counts maps and comparison grids drawn (tests wait on them). */
    final SimpleIntegerProperty renderCount = new SimpleIntegerProperty();
    final SimpleIntegerProperty comparisonCount = new SimpleIntegerProperty();

    /** The display window of the shown image's gray levels. */
    final GrayWindow window = new GrayWindow();
    /** When the shown pass was made from the displayed window ("explain as displayed"): what it was; else null. */
    String explainedAsDisplayed;

    /** The shown map's faithfulness and the random map's, once measured (null before), and what they are of. */
    dev.gradcamviewer.app.FaithfulnessRunner.Result[] faithfulness;
    String faithfulnessOf;

    /** The worklist's files in the order shown, and their items. */
    final List<Path> images = new ArrayList<>();
    final Map<Path, WorkItem> work = new HashMap<>();
    /** Which of {@link #images} is current (what is shown, or on its way); -1 for none. */
    int index = -1;
    /** The tapped layer whose map is wanted. */
    String layer;
    /** The label explained: -1 for the predicted one. */
    int target = -1;
    HeatColorizer colours;
    /** The shown image as the FX image the panes use. */
    Image shownImage;
    /** True once the shown image's picture, prediction and map (or the reason there is none) are all on screen. */
    boolean displayComplete;

    WorkItem currentItem() {
        return index >= 0 && index < images.size() ? work.get(images.get(index)) : null;
    }
}
