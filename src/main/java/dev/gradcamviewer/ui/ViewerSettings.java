package dev.gradcamviewer.ui;

import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** What the viewer remembers between runs (java.util.prefs; tests use their own node). */
final class ViewerSettings {
    private final Preferences prefs;

    ViewerSettings(String node) {
        this.prefs = Preferences.userRoot().node(node);
    }

    static ViewerSettings standard() {
        return new ViewerSettings(System.getProperty("gradcam.prefs", "dev/gradcamviewer/viewer"));
    }

    String get(String key, String def) { return prefs.get(key, def); }

    double getDouble(String key, double def) { return prefs.getDouble(key, def); }

    void put(String key, String value) {
        try {
            if (value == null) prefs.remove(key);
            else prefs.put(key, value);
        } catch (IllegalStateException removed) {
            // the node was removed (a test's window outliving its settings): nothing to remember into
        }
    }

    boolean getBoolean(String key, boolean def) { return Boolean.parseBoolean(get(key, String.valueOf(def))); }

    void putBoolean(String key, boolean value) { put(key, String.valueOf(value)); }

    void putDouble(String key, double value) {
        try {
            prefs.putDouble(key, value);
        } catch (IllegalStateException removed) {
            // as above
        }
    }

    void flush() {
        try {
            prefs.flush();
        } catch (BackingStoreException e) {
            // settings are a convenience: losing them must not stop the viewer
        }
    }

    /** Forgets everything, the node included (tests use a node of their own). */
    void removeNode() {
        try {
            Preferences parent = prefs.parent();
            prefs.removeNode();
            parent.flush();
        } catch (BackingStoreException | IllegalStateException e) {
            // as above
        }
    }
}
