package dev.gradcamviewer.ui;

import dev.gradcamviewer.model.ModelBundle;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The viewer's menus, its keyboard-shortcut and About boxes, and its two themes. */
final class ViewerMenus {
    static final String DARK = "dark";
    static final String LIGHT = "light";

    static final String SHORTCUTS = String.join("\n",
            "PgDn / PgUp, or \u2192 / \u2190 on the image: next / previous image",
            "\u2191 / \u2193 in the layer tree: previous / next layer (the overlay follows)",
            "Mouse wheel: zoom around the cursor;  drag: pan (Compare: the wheel scrolls, Ctrl+wheel zooms)",
            "1 / 2 / 3: agree / disagree / unsure with the model, then the next unreviewed image;  N: note",
            "F: fit to window (Compare: fit all tiles);  Z: actual pixels (1:1)",
            "H: show / hide the heatmap;  hold Space: hide it while held",
            "Right-drag on the image: window (↔ width, ↕ centre);  R: reset window;  I: invert;  T: patient text",
            "Ctrl+O: open images;  Ctrl+Shift+O: open folder;  Ctrl+M: open model",
            "Ctrl+E: export overlay as PNG;  Ctrl+Shift+C: copy overlay",
            "Drop images, folders or a .pt model bundle onto the window");

    /** What the menus do, supplied by the window. */
    record Actions(Consumer<List<Path>> openPaths, Consumer<Path> loadModel, Runnable exportOverlay, Runnable copyOverlay,
                   Runnable exportVerdicts, Runnable quit, Supplier<Optional<File>> lastFolder, Runnable about) { }

    private ViewerMenus() { }

    static MenuBar bar(Stage stage, Actions a, BooleanProperty cropShown, StringProperty theme, Menu image) {
        MenuItem openImages = item("Open images\u2026", "Shortcut+O", () -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Open images");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff", "*.bmp", "*.dcm", "*.dicom"));
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("All files (DICOM without an extension)", "*"));
            a.lastFolder().get().ifPresent(fc::setInitialDirectory);
            List<File> files = fc.showOpenMultipleDialog(stage);
            if (files != null) a.openPaths().accept(files.stream().map(File::toPath).toList());
        });
        MenuItem openFolder = item("Open folder\u2026", "Shortcut+Shift+O", () -> {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Open a folder of images");
            a.lastFolder().get().ifPresent(dc::setInitialDirectory);
            File dir = dc.showDialog(stage);
            if (dir != null) a.openPaths().accept(List.of(dir.toPath()));
        });
        MenuItem openModel = item("Open model\u2026", "Shortcut+M", () -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Open a model bundle");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("TorchScript model bundles", "*.pt", "*.pth", "*.ts"));
            File f = fc.showOpenDialog(stage);
            if (f != null) a.loadModel().accept(f.toPath());
        });
        Menu file = new Menu("File", null, openImages, openFolder, openModel, new SeparatorMenuItem(),
                item("Export overlay as PNG\u2026", "Shortcut+E", a.exportOverlay()),
                item("Copy overlay to clipboard", "Shortcut+Shift+C", a.copyOverlay()),
                item("Export verdicts as CSV\u2026", null, a.exportVerdicts()), new SeparatorMenuItem(),
                item("Quit", "Shortcut+Q", a.quit()));
        CheckMenuItem crop = new CheckMenuItem("Outline the region the model saw");
        crop.setId("crop-outline-item");
        crop.selectedProperty().bindBidirectional(cropShown);
        ToggleGroup themes = new ToggleGroup();
        Menu view = new Menu("View", null, crop, new SeparatorMenuItem());
        for (String t : List.of(DARK, LIGHT)) {
            RadioMenuItem r = new RadioMenuItem(t.equals(DARK) ? "Dark theme" : "Light theme");
            r.setId("theme-" + t);
            r.setToggleGroup(themes);
            r.setSelected(t.equals(theme.get()));
            r.setOnAction(e -> theme.set(t));
            view.getItems().add(r);
        }
        theme.addListener((o, was, now) -> themes.getToggles().forEach(tg -> tg.setSelected(((RadioMenuItem) tg).getId().equals("theme-" + now))));
        Menu help = new Menu("Help", null, item("Keyboard shortcuts", "F1", () -> showShortcuts(stage)), item("About", null, a.about()));
        return new MenuBar(file, view, image, help);
    }

    static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (accelerator != null) m.setAccelerator(KeyCombination.keyCombination(accelerator));
        m.setOnAction(e -> action.run());
        return m;
    }

    static void applyTheme(Scene scene, String name) {
        String css = ViewerMenus.class.getResource((LIGHT.equals(name) ? LIGHT : DARK) + ".css").toExternalForm();
        scene.getStylesheets().setAll(css);
    }

    private static void showShortcuts(Stage stage) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, SHORTCUTS);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        a.getDialogPane().getStylesheets().setAll(stage.getScene().getStylesheets());
        a.initOwner(stage);
        a.show();
    }

    /** The version, the engine's state and, for a model not for clinical use (the demo), its warning. */
    static void showAbout(Stage stage, String title, ModelBundle b) {
        String description = b == null ? null : b.manifest().model().description();
        String model = b == null ? "" : "\n\nModel: " + b.name() + (description != null
                && description.toLowerCase(Locale.ROOT).contains("not for clinical use") ? "\n" + description : "");
        Alert a = new Alert(Alert.AlertType.INFORMATION, "Grad-CAM Viewer shows where a PyTorch image classifier looks.\n"
                + "It runs offline; models are TorchScript bundles made by models/tools/export_model.py.\n\n"
                + "Engine: " + dev.gradcamviewer.model.TorchEngine.stateLine() + model);
        a.getDialogPane().setId("about");
        a.setTitle("About");
        a.getDialogPane().getStylesheets().setAll(stage.getScene().getStylesheets());
        a.setHeaderText(title + " " + dev.gradcamviewer.app.AppVersion.get());
        a.initOwner(stage);
        a.show();
    }
}
