package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.PlacedMap;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;

import java.util.List;

/**
 * What the viewer shows at one moment (read on the FX thread): the image with its pass, the heat
 * layer if one is drawn, and the display choices. Exports and verdicts record exactly this.
 * {@code window} and {@code inverted}: the display window of the gray levels (null: the image's
 * default); {@code explainedAsDisplayed}: the window the model was given instead of its rule, or null.
 */
record OnScreen(ExplainedImage shown, PlacedMap heat, ModelBundle bundle, HeatColorizer colours, double alpha,
                String layer, CamMethod method, Placement placement, boolean methodsMode, List<ComparisonView.TileSpec> tiles,
                dev.gradcamviewer.imaging.Voi window, boolean inverted, String explainedAsDisplayed,
                List<java.util.Map.Entry<ComparisonView.TileSpec, String>> shownTiles) {

    /** The image as displayed: through the display window when one is set (exports show what the screen shows). */
    dev.gradcamviewer.imaging.DecodedImage displayedImage() {
        var img = shown.image();
        if (img.levels() == null || (window == null && !inverted)) return img;
        return img.withPlanes(new float[][] {img.levels().render(window == null ? img.levels().defaultVoi() : window, inverted)});
    }

    /** For a verdict: which gray levels the model was given (empty for images without them). */
    String modelInput() {
        if (shown == null || shown.image().levels() == null) return "";
        if (explainedAsDisplayed != null) return "as displayed: " + explainedAsDisplayed;
        if (!shown.image().isDicom() || bundle == null) return "";
        return "model's rule: " + bundle.manifest().input().dicomWindowRule().rule();
    }
}
