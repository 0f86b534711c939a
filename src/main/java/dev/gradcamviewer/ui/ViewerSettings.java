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
        if (value == null) prefs.remove(key);
        else prefs.put(key, value);
    }

    void putDouble(String key, double value) { prefs.putDouble(key, value); }

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
