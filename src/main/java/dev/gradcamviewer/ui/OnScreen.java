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
 */
record OnScreen(ExplainedImage shown, PlacedMap heat, ModelBundle bundle, HeatColorizer colours, double alpha,
                String layer, CamMethod method, Placement placement, boolean methodsMode, List<ComparisonView.TileSpec> tiles) { }
