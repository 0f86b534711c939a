package dev.gradcamviewer.ui;

import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.files.AtomicFile;
import dev.gradcamviewer.imaging.ComparisonFigure;
import dev.gradcamviewer.imaging.OverlayComposer;
import dev.gradcamviewer.imaging.PlacedMap;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import javafx.scene.input.ClipboardContent;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What leaves the viewer as pixels: the overlay at full resolution (file or clipboard) and the
 * comparison as a figure. Composed and written on the render thread, whole or not at all.
 */
final class Exports {
    private final ExecutorService renderThread;
    private final StatusLine status;
    private final Supplier<OnScreen> onScreen;

    Exports(ExecutorService renderThread, StatusLine status, Supplier<OnScreen> onScreen) {
        this.renderThread = renderThread;
        this.status = status;
        this.onScreen = onScreen;
    }

    /** A file name for the overlay now shown, or null when there is none. */
    String overlayName() {
        OnScreen s = onScreen.get();
        if (s.shown() == null || s.heat() == null) return null;
        String stem = s.shown().file().getFileName().toString().replaceAll("\\.[^.]*$", "");
        return stem + "." + s.layer() + "." + s.method().id() + ".png";
    }

    /** Writes the full-resolution overlay. */
    void overlay(Path target) {
        withOverlay("Could not export the overlay: ", out -> {
            AtomicFile.write(target, o -> ImageIO.write(out, "png", o));
            Platform.runLater(() -> status.say("Exported " + target.getFileName()));
        });
    }

    void copyOverlay() {
        withOverlay("Could not copy the overlay: ", out -> {
            Image fx = SwingFXUtils.toFXImage(out, null);
            Platform.runLater(() -> {
                ClipboardContent content = new ClipboardContent();
                content.putImage(fx);
                javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
                status.say("Overlay copied");
            });
        });
    }

    private interface OverlayUse {
        void accept(BufferedImage overlay) throws Exception;
    }

    private void withOverlay(String failure, OverlayUse use) {
        OnScreen s = onScreen.get();
        if (s.shown() == null || s.heat() == null) {
            status.fail("There is no overlay to export yet.");
            return;
        }
        renderThread.submit(() -> {
            try {
                use.accept(OverlayComposer.compose(s.displayedImage(), s.heat(), s.colours(), s.alpha()));
            } catch (Exception e) {
                Platform.runLater(() -> status.fail(failure + UiText.reason(e)));
            }
        });
    }

    /**
     * Writes the comparison as a figure: every tile whole and labelled, with the image name, model,
     * prediction, label explained, score and placement, and a colour bar.
     */
    void figure(Path target) {
        OnScreen s = onScreen.get();
        if (s.shown() == null || s.bundle() == null || s.tiles().isEmpty()) {
            status.fail("There is no comparison to export yet.");
            return;
        }
        List<String> header = header(s);
        renderThread.submit(() -> {
            try {
                List<ComparisonFigure.Panel> panels = new ArrayList<>();
                // in the order on screen (a sort by score included), each with its scores
                for (var shown : s.shownTiles().isEmpty() ? s.tiles().stream().map(t -> java.util.Map.entry(t, "")).toList() : s.shownTiles()) {
                    ComparisonView.TileSpec t = shown.getKey();
                    CamMethod m = CamMethods.byName(t.methodId()).orElseThrow();
                    PlacedMap placed = s.shown().cam(t.layer(), m).zeroGradient() ? null : s.shown().placed(t.layer(), m, s.placement());
                    panels.add(new ComparisonFigure.Panel(t.label(), placed, shown.getValue()));
                }
                BufferedImage img = ComparisonFigure.compose(s.displayedImage(), panels, s.colours(), s.alpha(), header, 400);
                AtomicFile.write(target, o -> ImageIO.write(img, "png", o));
                Platform.runLater(() -> status.say("Exported " + target.getFileName()));
            } catch (Exception e) {
                Platform.runLater(() -> status.fail("Could not export the figure: " + UiText.reason(e)));
            }
        });
    }

    private static List<String> header(OnScreen s) {
        var pass = s.shown().pass();
        var pred = pass.prediction();
        StringBuilder probs = new StringBuilder();
        for (int i = 0; i < pred.labels().size() && i < 6; i++) {
            if (i > 0) probs.append(", ");
            probs.append(pred.labels().get(i)).append(String.format(Locale.ROOT, " %.1f %%", 100 * pred.probability(i)));
        }
        if (pred.labels().size() > 6) probs.append(", \u2026");
        return List.of(s.shown().file().getFileName() + " \u2014 " + s.bundle().name(),
                "Prediction: " + pred.predictedLabel() + " (" + probs + ")",
                "Explained: \u201c" + s.bundle().labels().get(pass.target()) + "\u201d, "
                        + UiText.scoreName(pass.score()).toLowerCase(Locale.ROOT) + " score; placement " + s.placement().id()
                        + (s.methodsMode() ? "; layer " + s.layer() : "; method " + s.method().displayName()));
    }
}
