package dev.gradcamviewer.ui;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.controlsfx.control.Notifications;
import org.controlsfx.control.StatusBar;

import java.util.HashSet;
import java.util.Set;

/**
 * The status bar: what is shown or under way, failures and notices (also as notifications), and
 * whether work is under way, per channel: a channel is busy until its newest request has answered
 * (an answer superseded by a newer request never arrives, so counting requests left the indicator
 * spinning, and the idle viewer using CPU, after a few quick changes).
 */
final class StatusLine {
    private final StatusBar bar = new StatusBar();
    private final Set<LatestOnly> busy = new HashSet<>();
    private final SimpleStringProperty message = new SimpleStringProperty("");
    private final Stage owner;
    private final String title;
    private String mapText = "";

    StatusLine(Stage owner, String title, Label... right) {
        this.owner = owner;
        this.title = title;
        for (int i = 0; i < right.length; i++) {
            if (i > 0) bar.getRightItems().add(new Label("  "));
            right[i].setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            bar.getRightItems().add(right[i]);
        }
        bar.setId("status-bar");
    }

    StatusBar node() { return bar; }

    void say(String text) { bar.setText(text); }

    String text() { return bar.getText(); }

    void begin(LatestOnly channel, String what) {
        busy.add(channel);
        bar.setText(what);
        bar.setProgress(-1);
    }

    void end(LatestOnly channel) {
        busy.remove(channel);
        if (busy.isEmpty()) bar.setProgress(0);
    }

    boolean isBusy(LatestOnly channel) { return busy.contains(channel); }

    boolean anyBusy() { return !busy.isEmpty(); }

    /** The last failure or notice, whole (the bar shows its first line). */
    ReadOnlyStringProperty messageProperty() { return message; }

    void fail(String text) {
        message.set(text);
        bar.setText(text);
        try {
            Notifications.create().title(title).text(text).owner(owner).hideAfter(javafx.util.Duration.seconds(8)).showWarning();
        } catch (RuntimeException e) {
            // a notification is a courtesy: the status bar already says it
        }
    }

    /** Something the user should know that is not a failure (others' verdicts arriving). */
    void inform(String text) {
        message.set(text);
        bar.setText(text.lines().findFirst().orElse(text));
        try {
            Notifications.create().title(title).text(text).owner(owner).hideAfter(javafx.util.Duration.seconds(10)).showInformation();
        } catch (RuntimeException e) {
            // as in fail()
        }
    }

    /** Which map is shown, for which label: said again whenever the heat is hidden or shown. */
    void setMapText(String text) { mapText = text; }

    void showMapStatus(boolean heatShown) {
        if (mapText.isEmpty()) return;
        bar.setText(mapText + (heatShown ? "" : " \u2014 heat hidden (H shows it)"));
    }
}
