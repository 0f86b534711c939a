package dev.gradcamviewer.ui;

import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.atlas.BoxesFile;
import dev.gradcamviewer.atlas.LabelsFile;
import dev.gradcamviewer.atlas.MaskFiles;
import dev.gradcamviewer.cam.CamMethods;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.ui.atlas.AtlasFolder;
import dev.gradcamviewer.ui.atlas.AtlasView;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The Atlas tab's behaviour: opening an atlas folder or making one of the worklist, showing a chosen
 * image in the Image tab at the group's method and layer, and drawing the open atlas's ground truth
 * (boxes, masks) on the image shown.
 */
final class AtlasTabController {
    /** What the tab asks of the window. */
    record Window(Stage stage, java.util.function.Supplier<Optional<File>> lastFolder, java.util.function.Consumer<WorkItem> showItem,
                  java.util.function.Consumer<List<Path>> openPaths, Runnable showAtlasTab, Runnable showImageTab, Runnable render) { }

    private final ViewerState state;
    private final AtlasView view;
    private final StatusLine status;
    private final ImagePane image;
    private final DisplayControls display;
    private final LayerPicker layers;
    private final Window window;
    private final AtlasRunController runs;
    private BoxesFile boxes;
    private MaskFiles masks;

    AtlasTabController(ViewerState state, AtlasView view, StatusLine status, ImagePane image, DisplayControls display, LayerPicker layers,
                       ExecutorService engineThread, Window window) {
        this.state = state;
        this.view = view;
        this.status = status;
        this.image = image;
        this.display = display;
        this.layers = layers;
        this.window = window;
        this.runs = new AtlasRunController(state, view, status, engineThread, this::open);
        view.setOnOpen(() -> chooseFolder("Open an atlas folder").ifPresent(this::open));
        view.setOnRun(() -> chooseFolder("A folder for the atlas of the worklist").ifPresent(this::make));
        view.setOnImageChosen(this::show);
        state.shown.addListener((o, was, now) -> drawTruth(now));
    }

    private Optional<Path> chooseFolder(String title) {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle(title);
        window.lastFolder().get().ifPresent(dc::setInitialDirectory);
        return Optional.ofNullable(dc.showDialog(window.stage())).map(File::toPath);
    }

    /** Makes an atlas of the worklist into {@code out} in the background, then opens it. */
    void make(Path out) { runs.start(out, display.chosen(), display.placement.getValue()); }

    boolean making() { return runs.running(); }

    /** Opens an atlas folder (a folder that is not one is refused in the status bar). */
    void open(Path dir) {
        AtlasFolder a;
        try {
            a = AtlasFolder.read(dir);
        } catch (java.io.IOException e) {
            status.fail(e.getMessage());
            return;
        }
        view.show(a);
        boxes = null;
        Path boxFile = a.boxesFile();
        if (boxFile != null && Files.isRegularFile(boxFile)) {
            try {
                boxes = BoxesFile.read(boxFile);
            } catch (LabelsFile.FormatException | java.io.IOException e) {
                status.fail("The atlas's boxes cannot be drawn: " + e.getMessage());
            }
        }
        masks = null;
        Path maskDir = a.masksDir();
        if (maskDir != null && Files.isDirectory(maskDir)) {
            try {
                masks = new MaskFiles(maskDir);
            } catch (java.io.IOException e) {
                status.fail("The atlas's masks cannot be drawn: " + e.getMessage());
            }
        }
        drawTruth(state.shown.get());
        window.showAtlasTab().run();
        ModelBundle b = state.bundle.get();
        if (b != null && !b.sha256().equals(a.modelSha256())) {
            status.inform("This atlas was made with " + a.modelName() + "; the viewer has " + b.name() + " loaded, so its maps may differ");
        } else {
            status.say("Atlas of " + a.imagesDone() + " images opened");
        }
    }

    /** An image chosen in the tab: shown in the Image tab at the group's method and layer (opened if it is not in the worklist). */
    private void show(AtlasFolder.ImageRow r) {
        if (!Files.isRegularFile(r.image())) {
            status.fail(r.shown() + " is not there any more");
            return;
        }
        CamMethods.byName(r.method()).map(CamMethods::unsmoothed).ifPresent(display.method::setValue);
        ModelBundle b = state.bundle.get();
        if (b != null && b.tapNames().contains(r.layer())) {
            state.layer = r.layer();
            layers.select(r.layer());
        }
        WorkItem item = state.work.get(r.image());
        if (item == null) item = state.work.values().stream().filter(i -> sameFile(i.file, r.image())).findFirst().orElse(null);
        if (item != null) window.showItem().accept(item);
        else window.openPaths().accept(List.of(r.image()));
        window.showImageTab().run();
        window.render().run();
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The open atlas's mask and boxes of the shown image, in its decoded pixels. */
    private void drawTruth(ExplainedImage ex) {
        image.setTruthMask(null, 0, 0);
        if (masks != null && ex != null) {
            try {
                var img = ex.image();
                var found = masks.forImage(ex.file(), img.width(), img.height(), img.sourceWidth(), img.sourceHeight());
                if (found.inside() != null) image.setTruthMask(found.inside(), img.width(), img.height());
            } catch (dev.gradcamviewer.imaging.ImageDecodeException e) {
                status.fail("The mask of " + ex.file().getFileName() + " cannot be read: " + e.getMessage());
            }
        }
        if (boxes == null || ex == null) {
            image.setTruthBoxes(List.of(), "");
            return;
        }
        int s = ex.image().step();
        List<double[]> drawn = new ArrayList<>();
        Set<String> labels = new LinkedHashSet<>();
        for (var b : boxes.boxes(ex.file())) {
            drawn.add(new double[] {b.x() / s, b.y() / s, b.width() / s, b.height() / s});
            labels.add(b.label());
        }
        image.setTruthBoxes(drawn, String.join(", ", labels));
    }
}
