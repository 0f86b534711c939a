package dev.gradcamviewer.ui;

import dev.gradcamviewer.imaging.GrayLevels;
import dev.gradcamviewer.imaging.Voi;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;

import java.util.List;

/**
 * Display windowing of the shown image's gray levels, as radiology viewers do it: the file's presets,
 * right-drag (horizontal: width, vertical: centre), invert, reset. Changes what is displayed only:
 * the model's input and the heat layer never follow it. {@link #voi} null means the image's default.
 */
final class GrayWindow {
    final SimpleObjectProperty<Voi> voi = new SimpleObjectProperty<>();
    final SimpleBooleanProperty invert = new SimpleBooleanProperty();
    /** The presets of the shown image; empty for images without gray levels. */
    final SimpleObjectProperty<List<Voi>> presets = new SimpleObjectProperty<>(List.of());
    private final SimpleStringProperty text = new SimpleStringProperty("");
    private GrayLevels levels;

    GrayWindow() {
        voi.addListener((o, a, b) -> describe());
        invert.addListener((o, a, b) -> describe());
    }

    /** Another image: its levels (null for 8-bit and colour), window back to its default. */
    void show(GrayLevels newLevels) {
        levels = newLevels;
        presets.set(newLevels == null ? List.of() : newLevels.presets());
        voi.set(null);
        invert.set(false);
        describe();
    }

    boolean available() { return levels != null; }

    void reset() {
        voi.set(null);
        invert.set(false);
    }

    void choose(Voi preset) {
        if (levels != null) voi.set(preset);
    }

    void toggleInvert() {
        if (levels != null) invert.set(!invert.get());
    }

    /**
     * A right-drag by (dx, dy) screen pixels: width grows to the right, the centre rises as the mouse
     * goes up; one pixel moves either by 1/512 of the image's range of values.
     */
    void drag(double dx, double dy) {
        if (levels == null) return;
        Voi.Window w = asWindow(current());
        double step = Math.max(levels.max() - levels.min(), 1) / 512.0;
        double width = Math.max(1, w.width() + dx * step);
        double center = w.center() - dy * step;
        voi.set(Voi.Window.linear(center, width, "Custom"));
    }

    Voi current() { return current(voi.get()); }

    /** {@code chosen}, or the image's default when null. */
    Voi current(Voi chosen) {
        return chosen != null ? chosen : levels == null ? null : levels.defaultVoi();
    }

    /** Any transform as the linear window closest to it, to start a drag from. */
    Voi.Window asWindow(Voi v) {
        if (v instanceof Voi.Window w) return w;
        float lo = levels.min();
        float hi = levels.max();
        if (v instanceof Voi.Range r) {
            lo = r.min();
            hi = r.max();
        }
        return Voi.Window.linear((lo + hi) / 2.0 + 0.5, Math.max(hi - lo + 1, 1), "Custom");
    }

    /** "W/L: C 2048 W 4096 (FULL)", "inverted" added; empty without gray levels. */
    ReadOnlyStringProperty textProperty() { return text; }

    private void describe() {
        Voi v = current();
        if (v == null) {
            text.set("");
            return;
        }
        String what = v instanceof Voi.Window w ? w.values() + (w.label().startsWith("Custom") ? "" : "  " + shortLabel(w.label()))
                : v.label();
        text.set("W/L " + what + (invert.get() ? ", inverted" : ""));
    }

    private static String shortLabel(String label) {
        int paren = label.indexOf(" (");
        return paren > 0 ? label.substring(0, paren) : label;
    }
}
