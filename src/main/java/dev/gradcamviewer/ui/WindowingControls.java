package dev.gradcamviewer.ui;

import dev.gradcamviewer.imaging.Voi;
import javafx.beans.property.BooleanProperty;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;

import java.util.List;

/**
 * The Image menu and the toolbar's windowing controls: the file's window presets, reset (R), invert
 * (I), patient and study text (T), and "explain as displayed". Built from {@link GrayWindow}'s
 * presets whenever another image is shown.
 */
final class WindowingControls {
    private WindowingControls() { }

    static Menu menu(GrayWindow window, BooleanProperty annotations, Runnable explainAsDisplayed) {
        Menu presets = new Menu("Window presets");
        presets.setId("window-presets-menu");
        // the keys (R, I, T) are the viewer's own (ViewerKeys): as accelerators they would fire while typing a note
        MenuItem reset = item("Reset window (R)", null, window::reset);
        CheckMenuItem invert = new CheckMenuItem("Invert (I)");
        invert.selectedProperty().bindBidirectional(window.invert);
        CheckMenuItem text = new CheckMenuItem("Patient and study text (T)");
        text.setId("annotations-item");
        text.selectedProperty().bindBidirectional(annotations);
        MenuItem asDisplayed = item("Explain as displayed", null, explainAsDisplayed);
        asDisplayed.setId("explain-as-displayed");
        Runnable sync = () -> {
            boolean levels = window.available();
            fill(presets.getItems(), window);
            presets.setDisable(!levels);
            reset.setDisable(!levels);
            invert.setDisable(!levels);
            asDisplayed.setDisable(!levels);
        };
        window.presets.addListener((o, a, b) -> sync.run());
        sync.run();
        Menu image = new Menu("Image", null, presets, reset, invert, new SeparatorMenuItem(), text, new SeparatorMenuItem(), asDisplayed);
        image.setId("image-menu");
        return image;
    }

    /** W/L presets and Invert, for the toolbar over the image; Text toggles the patient text. */
    static List<javafx.scene.control.Control> toolbar(GrayWindow window, BooleanProperty annotations) {
        MenuButton presets = new MenuButton("W/L");
        presets.setId("window-presets-button");
        presets.setTooltip(new Tooltip("Window presets of the file; right-drag on the image sets the window (R resets)"));
        ToggleButton invert = new ToggleButton("Invert (I)");
        invert.setId("invert-toggle");
        invert.selectedProperty().bindBidirectional(window.invert);
        ToggleButton text = new ToggleButton("Text (T)");
        text.setId("annotations-toggle");
        text.setTooltip(new Tooltip("Patient and study text in the image's corners (DICOM); never in exports"));
        text.selectedProperty().bindBidirectional(annotations);
        Runnable sync = () -> {
            fill(presets.getItems(), window);
            presets.setDisable(!window.available());
            invert.setDisable(!window.available());
        };
        window.presets.addListener((o, a, b) -> sync.run());
        sync.run();
        return List.of(presets, invert, text);
    }

    private static void fill(List<MenuItem> items, GrayWindow window) {
        items.clear();
        for (Voi v : window.presets.get()) {
            MenuItem m = new MenuItem(v.label());
            m.setOnAction(e -> window.choose(v));
            items.add(m);
        }
        if (!items.isEmpty()) {
            items.add(new SeparatorMenuItem());
            items.add(item("Reset", null, window::reset));
        }
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        return ViewerMenus.item(text, accelerator, action);
    }
}
