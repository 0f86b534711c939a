package dev.gradcamviewer.ui;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.PlacedMap;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.Group;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;

import java.util.Locale;

/**
 * The original at full resolution with the heat layer over it. Fits on open; the wheel zooms around
 * the cursor; dragging pans; a right-drag sets the gray window (when the image has gray levels);
 * F fits, Z shows 1:1, H toggles the heat layer and holding Space hides it. Alpha only changes the
 * heat layer's opacity. Patient and study text of a DICOM image sit in the top corners when shown.
 */
final class ImagePane extends Pane {
    private final ImageView base = new ImageView();
    private final ImageView heat = new ImageView();
    /** The region the model saw (its centre crop), outlined on non-square images. */
    private final Rectangle cropOutline = new Rectangle();
    private final BooleanProperty cropShown = new SimpleBooleanProperty(true);
    private final javafx.scene.control.Tooltip cropReason = new javafx.scene.control.Tooltip();
    /** Ground-truth boxes of the shown image, from an open atlas's boxes file. */
    private final Group truth = new Group();
    private final Group content = new Group(base, heat, cropOutline, truth);
    private final Scale scale = new Scale(1, 1, 0, 0);
    private final Translate translate = new Translate();
    private final SimpleDoubleProperty zoom = new SimpleDoubleProperty(1);
    private final SimpleStringProperty pointer = new SimpleStringProperty("");
    private final SimpleStringProperty loadingText = new SimpleStringProperty("");
    private final BooleanProperty heatShown = new SimpleBooleanProperty(true);
    private final BooleanProperty heldHidden = new SimpleBooleanProperty(false);
    private final DoubleProperty alpha = new SimpleDoubleProperty(0.4);
    private final BooleanProperty annotationsShown = new SimpleBooleanProperty(false);
    private final javafx.scene.control.Label patientText = cornerLabel("patient-text");
    private final javafx.scene.control.Label studyText = cornerLabel("study-text");
    private DecodedImage decoded;
    private PlacedMap placed;
    private double lastX;
    private double lastY;
    private java.util.function.BiConsumer<Double, Double> windowDrag = (dx, dy) -> { };

    ImagePane() {
        setId("image-pane");
        setFocusTraversable(true);
        setStyle("-fx-background-color: #1e1e1e;");
        base.setSmooth(true);
        heat.setSmooth(true);
        content.getTransforms().addAll(translate, scale);
        getChildren().add(content);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        heat.opacityProperty().bind(alpha);
        heat.visibleProperty().bind(heatShown.and(heldHidden.not()));
        heat.setId("heat-layer");
        cropOutline.setId("crop-outline");
        cropOutline.setFill(null);
        cropOutline.setStroke(javafx.scene.paint.Color.web("#ffd54a"));
        cropOutline.getStrokeDashArray().setAll(6.0, 4.0);
        cropOutline.setVisible(false);
        // as thin on screen at any zoom
        cropOutline.strokeWidthProperty().bind(javafx.beans.binding.Bindings.divide(1.5, scale.xProperty()));
        javafx.scene.control.Tooltip.install(cropOutline, cropReason);
        base.setId("base-image");
        // nothing open yet: say what to do
        javafx.scene.control.Label empty = new javafx.scene.control.Label("Drop images or a folder here, or use File \u25b8 Open");
        empty.setId("empty-hint");
        empty.setStyle("-fx-text-fill: #c8c8c8; -fx-font-size: 16px;");
        empty.visibleProperty().bind(base.imageProperty().isNull().and(loadingText.isEmpty()));
        empty.layoutXProperty().bind(widthProperty().subtract(empty.widthProperty()).divide(2));
        empty.layoutYProperty().bind(heightProperty().subtract(empty.heightProperty()).divide(2));
        // another image on its way: never the previous image's picture or heat meanwhile
        javafx.scene.control.Label loading = new javafx.scene.control.Label();
        loading.setId("loading-hint");
        loading.textProperty().bind(loadingText);
        loading.setStyle("-fx-text-fill: #c8c8c8; -fx-font-size: 16px;");
        loading.visibleProperty().bind(loadingText.isNotEmpty());
        loading.layoutXProperty().bind(widthProperty().subtract(loading.widthProperty()).divide(2));
        loading.layoutYProperty().bind(heightProperty().subtract(loading.heightProperty()).divide(2));
        content.visibleProperty().bind(loadingText.isEmpty());
        getChildren().addAll(empty, loading, patientText, studyText);
        patientText.setLayoutX(8);
        patientText.setLayoutY(6);
        studyText.layoutXProperty().bind(widthProperty().subtract(studyText.widthProperty()).subtract(8));
        studyText.setLayoutY(6);
        studyText.setTextAlignment(javafx.scene.text.TextAlignment.RIGHT);
        for (javafx.scene.control.Label l : java.util.List.of(patientText, studyText)) {
            l.visibleProperty().bind(annotationsShown.and(loadingText.isEmpty()).and(l.textProperty().isNotEmpty()));
        }

        setOnScroll(e -> {
            if (e.getDeltaY() != 0) zoomAt(e.getX(), e.getY(), e.getDeltaY() > 0 ? 1.25 : 0.8);
            e.consume();
        });
        setOnMousePressed(e -> {
            lastX = e.getX();
            lastY = e.getY();
            requestFocus();
        });
        setOnMouseDragged(e -> {
            if (e.isSecondaryButtonDown()) {
                windowDrag.accept(e.getX() - lastX, e.getY() - lastY);
                lastX = e.getX();
                lastY = e.getY();
                return;
            }
            translate.setX(translate.getX() + e.getX() - lastX);
            translate.setY(translate.getY() + e.getY() - lastY);
            lastX = e.getX();
            lastY = e.getY();
        });
        setOnMouseMoved(e -> {
            pointerX = e.getX();
            pointerY = e.getY();
            describePointer(pointerX, pointerY);
        });
        setOnMouseExited(e -> {
            pointerX = Double.NaN;
            pointer.set("");
        });
        widthProperty().addListener((o, a, b) -> { if (fitted.get()) fit(); });
        heightProperty().addListener((o, a, b) -> { if (fitted.get()) fit(); });
    }

    private final BooleanProperty fitted = new SimpleBooleanProperty(true);

    /** True while the image is fitted to the pane (F), false once zoomed or panned by hand. */
    javafx.beans.property.ReadOnlyBooleanProperty fittedProperty() { return fitted; }

    /** Another image is being loaded: the pane says so and shows nothing of the previous one. */
    void showLoading(String what) {
        decoded = null; // nothing of the previous image is read out while the next loads
        clearHeat();
        pointer.set("");
        loadingText.set(what);
    }

    /** What the pane says while an image loads; empty when it shows one. */
    javafx.beans.property.ReadOnlyStringProperty loadingProperty() { return loadingText; }

    /** A new image: shown fitted, without heat until one is set. */
    void setImage(Image image, DecodedImage decoded) {
        loadingText.set("");
        this.decoded = decoded;
        base.setImage(image);
        var info = decoded == null ? null : decoded.dicom();
        patientText.setText(info == null ? "" : String.join("\n", info.patientLines()));
        studyText.setText(info == null ? "" : String.join("\n", info.studyLines()));
        clearHeat();
        fit();
        redescribePointer();
    }

    /** The same image displayed through another window: nothing else changes. */
    void setDisplayed(Image image) {
        base.setImage(image);
    }

    /** What a right-drag does: called with the mouse's movement in screen pixels. */
    void onWindowDrag(java.util.function.BiConsumer<Double, Double> action) { windowDrag = action; }

    /** Patient and study text in the corners (DICOM images only); off until the user asks. */
    BooleanProperty annotationsShownProperty() { return annotationsShown; }

    /** For tests: the corner texts as shown, or null when hidden. */
    String[] annotations() {
        return patientText.isVisible() || studyText.isVisible() ? new String[] {patientText.getText(), studyText.getText()} : null;
    }

    private static javafx.scene.control.Label cornerLabel(String id) {
        javafx.scene.control.Label l = new javafx.scene.control.Label();
        l.setId(id);
        l.setMouseTransparent(true);
        l.setStyle("-fx-text-fill: #f0f0f0; -fx-font-size: 13px; -fx-effect: dropshadow(gaussian, black, 3, 0.8, 0, 0);");
        return l;
    }

    void setHeat(Image layer, PlacedMap map) {
        this.placed = map;
        heat.setImage(layer);
        heat.setLayoutX(map.x());
        heat.setLayoutY(map.y());
        redescribePointer(); // the read-out's heat is this map's, without waiting for the mouse to move
    }

    /** Where the mouse last was over the pane (NaN: not over it). */
    private double pointerX = Double.NaN;
    private double pointerY = Double.NaN;

    private void redescribePointer() {
        if (Double.isNaN(pointerX)) pointer.set("");
        else describePointer(pointerX, pointerY);
    }

    /**
     * Outlines the part of the image the model saw, when that is not all of it; {@code reason}
     * explains it on hover.
     */
    void setCrop(dev.gradcamviewer.imaging.CropRegion crop, String reason) {
        boolean partial = crop != null && decoded != null
                && (crop.top() > 0.5 || crop.left() > 0.5 || crop.height() < decoded.height() - 0.5 || crop.width() < decoded.width() - 0.5);
        if (partial) {
            cropOutline.setX(crop.left());
            cropOutline.setY(crop.top());
            cropOutline.setWidth(crop.width());
            cropOutline.setHeight(crop.height());
            cropReason.setText(reason);
        }
        cropOutline.visibleProperty().unbind();
        if (partial) cropOutline.visibleProperty().bind(cropShown);
        else cropOutline.setVisible(false);
    }

    BooleanProperty cropShownProperty() { return cropShown; }

    /** Draws ground-truth boxes (decoded image pixels: x, y, width, height), or none. */
    void setTruthBoxes(java.util.List<double[]> boxes, String label) {
        truth.getChildren().removeIf(n -> n instanceof Rectangle);
        truth.setId("truth-boxes");
        for (double[] b : boxes) {
            Rectangle r = new Rectangle(b[0], b[1], b[2], b[3]);
            r.setFill(null);
            r.setStroke(javafx.scene.paint.Color.web("#39ff88"));
            r.strokeWidthProperty().bind(javafx.beans.binding.Bindings.divide(2.0, scale.xProperty()));
            javafx.scene.control.Tooltip.install(r, new javafx.scene.control.Tooltip("Ground truth: " + label));
            truth.getChildren().add(r);
        }
    }

    /** Tints a ground-truth mask ({@code width} x {@code height}, the decoded image's pixels) over the image, or removes it (null). */
    void setTruthMask(boolean[] mask, int width, int height) {
        truth.getChildren().removeIf(n -> "truth-mask".equals(n.getId()));
        if (mask == null) return;
        javafx.scene.image.WritableImage img = new javafx.scene.image.WritableImage(width, height);
        int[] argb = new int[width * height];
        for (int i = 0; i < argb.length; i++) argb[i] = mask[i] ? 0x6639ff88 : 0;
        img.getPixelWriter().setPixels(0, 0, width, height, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, width);
        ImageView v = new ImageView(img);
        v.setId("truth-mask");
        v.setMouseTransparent(true);
        truth.getChildren().add(0, v);
    }

    /** For tests: whether a ground-truth mask is tinted. */
    boolean truthMaskShown() { return truth.getChildren().stream().anyMatch(n -> "truth-mask".equals(n.getId())); }

    /** For tests: the placed map the read-out reads. */
    PlacedMap placedForTests() { return placed; }

    /** For tests: the ground-truth boxes drawn. */
    int truthBoxCount() { return (int) truth.getChildren().stream().filter(n -> n instanceof Rectangle).count(); }

    /** For tests: whether the crop outline is drawn, and where (image pixels: x, y, width, height). */
    double[] cropOutline() {
        return cropOutline.isVisible() ? new double[] {cropOutline.getX(), cropOutline.getY(), cropOutline.getWidth(), cropOutline.getHeight()} : null;
    }

    void clearHeat() {
        placed = null;
        heat.setImage(null);
        redescribePointer();
    }

    /** H: heat on or off. */
    void toggleHeat() { heatShown.set(!heatShown.get()); }

    /** Space held: heat hidden while it is down. */
    void holdHeatHidden(boolean held) { heldHidden.set(held); }

    BooleanProperty heatShownProperty() { return heatShown; }

    void fit() {
        Image img = base.getImage();
        if (img == null || getWidth() <= 0 || getHeight() <= 0) return;
        double s = Math.min(getWidth() / img.getWidth(), getHeight() / img.getHeight());
        setScale(s);
        translate.setX((getWidth() - img.getWidth() * s) / 2);
        translate.setY((getHeight() - img.getHeight() * s) / 2);
        fitted.set(true);
    }

    void oneToOne() {
        zoomAt(getWidth() / 2, getHeight() / 2, 1 / scale.getX());
    }

    /** Zooms by {@code factor} keeping the image point under (x, y) in place. */
    void zoomAt(double x, double y, double factor) {
        double s = scale.getX();
        double ns = Math.max(0.02, Math.min(32, s * factor));
        double ix = (x - translate.getX()) / s;
        double iy = (y - translate.getY()) / s;
        setScale(ns);
        translate.setX(x - ix * ns);
        translate.setY(y - iy * ns);
        fitted.set(false);
    }

    private void setScale(double s) {
        scale.setX(s);
        scale.setY(s);
        zoom.set(s);
    }

    private void describePointer(double x, double y) {
        if (decoded == null) return;
        int ix = (int) Math.floor((x - translate.getX()) / scale.getX());
        int iy = (int) Math.floor((y - translate.getY()) / scale.getY());
        if (ix < 0 || iy < 0 || ix >= decoded.width() || iy >= decoded.height()) {
            pointer.set("");
            return;
        }
        int i = iy * decoded.width() + ix;
        float[][] p = decoded.planes();
        double max = decoded.bitDepth() == 16 ? 65535 : 255;
        String value = decoded.levels() != null ? plain(decoded.levels().values()[i])
                : decoded.isGray() ? String.valueOf(Math.round(p[0][i] * max))
                : String.format(Locale.ROOT, "%d, %d, %d", Math.round(p[0][i] * 255), Math.round(p[1][i] * 255), Math.round(p[2][i] * 255));
        String heatValue = placed != null && placed.contains(ix, iy)
                ? String.format(Locale.ROOT, "  heat %.2f", Math.max(0, Math.min(1, placed.at(ix, iy)))) : "";
        pointer.set(String.format(Locale.ROOT, "(%d, %d) value %s%s", ix, iy, value, heatValue));
    }

    private static String plain(float v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    ReadOnlyDoubleProperty zoomProperty() { return zoom; }

    ReadOnlyStringProperty pointerProperty() { return pointer; }

    DoubleProperty alphaProperty() { return alpha; }

    ImageView heatView() { return heat; }

    ImageView baseView() { return base; }
}
