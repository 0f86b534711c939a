package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.AtlasMaps;
import dev.gradcamviewer.app.AtlasOutputs;
import dev.gradcamviewer.app.AtlasRows;
import dev.gradcamviewer.app.FlaggedThumbnails;
import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.atlas.AtlasRow;
import dev.gradcamviewer.atlas.BoxesFile;
import dev.gradcamviewer.atlas.LocalisationReduction;
import dev.gradcamviewer.atlas.LabelsFile;
import dev.gradcamviewer.atlas.MaskFiles;
import dev.gradcamviewer.atlas.Outcomes;
import dev.gradcamviewer.cam.CamMethod;
import dev.gradcamviewer.files.FolderLock;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.Colormap;
import dev.gradcamviewer.imaging.HeatColorizer;
import dev.gradcamviewer.imaging.Placement;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.model.TorchEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "atlas", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = {
        "Measure where the model looks across a dataset and flag labels whose maps sit outside the body.",
        "Per image and method: the share of the heat outside the body, in the border band and in a mask, and where the",
        "peak lies, each beside a uniform map's; reduced per predicted label (and with --labels per true label and",
        "outcome), with mean maps. Writes atlas.json, images.csv, mean-maps/ and a",
        "self-contained report.html into --out, and a WARNING line on stderr for each flagged label.",
        "Exit code 1 if any image failed."})
final class AtlasCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Option(names = "--method", description = "CAM method; repeat for several (default: gradcam and hirescam)")
    List<String> methods = new ArrayList<>();

    @Option(names = "--layer", description = "tapped layer (dotted path); repeat for several; default: the model's default layer")
    List<String> layers = new ArrayList<>();

    @Option(names = "--labels", description = "true labels: a CSV 'image,label' (findings separated by |) or NIH ChestX-ray14's Data_Entry_2017.csv")
    Path labels;

    @Option(names = "--masks", description = "folder of region masks (lung masks), one per image, matched by file stem with or without .mask")
    Path masks;

    @Option(names = "--boxes", description = "ground-truth boxes to localise against: NIH ChestX-ray14's BBox_List_2017.csv or the RSNA challenge's "
            + "stage_2_train_labels.csv; without it, the --masks of images that have one are the ground truth")
    Path boxes;

    @Option(names = "--limit", description = "take only the first N images (in the listing's order)")
    Integer limit;

    @Option(names = "--workers", defaultValue = "1", description = "threads for the statistics beside the model's (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--score", defaultValue = "logit", description = "logit (default) or probability (the article's choice)")
    String score;

    @Option(names = "--placement", defaultValue = "receptive-field", description = "receptive-field (default) or resize (the article's)")
    String placement;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds the model may take to load or for one image before it is reported as hung (default: ${DEFAULT-VALUE})")
    long timeout;

    @Option(names = "--road", description = "also score each map with ROAD (pytorch-grad-cam's ROADCombined, noise off) beside the random map's: "
            + "about 3 s per map on two cores")
    boolean road;

    @Option(names = "--timings", description = "print where the time went (decode, model pass, maps, statistics) and images/s")
    boolean timings;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_FOLDERS")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        List<CamMethod> cams = chooseMethods();
        Score sc = ExplainCommand.parseScore(score);
        Placement place = Placement.of(placement);
        if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be at least 1");
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1");
        LabelsFile truth = readTable(labels, "--labels", LabelsFile::read);
        BoxesFile boxFile = readTable(boxes, "--boxes", BoxesFile::read);
        MaskFiles maskFiles = readMasks();
        boolean made = !Files.isDirectory(out);
        CliSupport.requireWritableFolder(out, "--out");
        boolean written = false;
        try (FolderLock lock = CliSupport.lockFolder(out, "--out", "atlas")) {
            if (lock.staleHolder() != null) {
                System.err.println("gradcam-viewer: " + out + ": took over the lock left by a run that ended without releasing it (" + lock.staleHolder() + ")");
            }
            int failed = run(cams, sc, place, truth, maskFiles, boxFile);
            written = true;
            return failed == 0 ? 0 : 1;
        } catch (Nothing e) {
            return 1;
        } finally {
            if (made && !written) CliSupport.removeIfEmpty(out);
        }
    }

    /** A run that did nothing (no image given could be listed, the model refused): no file is written. */
    private static final class Nothing extends Exception { }

    private int run(List<CamMethod> cams, Score sc, Placement place, LabelsFile truth, MaskFiles maskFiles, BoxesFile boxFile) throws Exception {
        ImageFiles.Listing listing = ImageFiles.list(inputs);
        for (ImageFiles.Problem problem : listing.problems()) System.err.println("gradcam-viewer: " + problem);
        List<Path> files = listing.files();
        if (maskFiles != null) files = files.stream().filter(f -> !maskFiles.isMask(f)).toList(); // masks kept beside their images are not images
        if (limit != null && files.size() > limit) files = files.subList(0, limit);
        if (truth != null) {
            truth.reportUnknown(files);
            truth.warnings().forEach(w -> System.err.println("gradcam-viewer: " + w));
        }
        if (boxFile != null) {
            boxFile.reportUnknown(files);
            boxFile.warnings().forEach(w -> System.err.println("gradcam-viewer: " + w));
        }
        int boxWarnings = boxFile == null ? 0 : boxFile.warnings().size();
        if (files.size() > 1) TorchEngine.preferThreads(Runtime.getRuntime().availableProcessors() - 1);
        var firstAhead = ImageBatch.decodeAhead(files);
        int failed = listing.problems().size();
        try (ModelRunner runner = ModelRunner.openToExplain(model, timeout)) {
            ModelBundle bundle = runner.bundle();
            List<String> layerNames = CliSupport.layersToExplain(bundle, layers, false);
            Outcomes outcomes = new Outcomes(bundle.labels());
            AtlasRows rows = new AtlasRows(outcomes);
            FlaggedThumbnails thumbs = new FlaggedThumbnails(12, new HeatColorizer(Colormap.of("jet"), 2), 0.4);
            LocalisationReduction localisation = new LocalisationReduction();
            AtlasWork work = new AtlasWork(new AtlasMaps(new AtlasMaps.Settings(layerNames, cams, place, truth, maskFiles, outcomes, boxFile,
                    boxFile == null && maskFiles != null, bundle.labels(), localisation, road), bundle, runner::call, thumbs));
            ImageBatch<AtlasRow> batch = new ImageBatch<>(runner, new ImageBatch.Pass(layerNames, -1, sc, work::targetOf), work, workers);
            AtlasOutputs outputs = new AtlasOutputs(out, bundle, layerNames, cams, place, truth, maskFiles, boxFile, localisation, listing.problems());
            Interrupts.beforeHalt(() -> outputs.write(batch.rowsSoFar(rows, "not done: stopped at once (a second Ctrl-C)"), rows.summaries(), thumbs, true));
            boolean stopped = false;
            long started = System.nanoTime();
            try {
                batch.run(files, firstAhead, rows);
            } catch (Exception e) {
                stopped = true;
                if (rows.isEmpty()) throw e;
                System.err.println("gradcam-viewer: error: " + CliSupport.message(e) + "; the atlas of the images done so far is written, marked partial");
                failed++;
            } finally {
                Interrupts.beforeHalt(null);
                failed += batch.failed();
                if (timings) System.err.println("gradcam-viewer: timings: " + batch.timings.describe(System.nanoTime() - started));
            }
            if (rows.isEmpty() && files.isEmpty()) {
                System.err.println("gradcam-viewer: no image to make an atlas of");
                throw new Nothing();
            }
            List<AtlasRow> all = rows.copy();
            boolean partial = stopped || Interrupts.requested() || all.stream().anyMatch(r -> r.status().startsWith("not done"));
            outputs.write(all, rows.summaries(), thumbs, partial);
            if (boxFile != null) boxFile.warnings().stream().skip(boxWarnings).forEach(w -> System.err.println("gradcam-viewer: " + w));
            for (String line : outputs.warnings(rows.summaries())) System.err.println(line);
        }
        return failed;
    }

    private List<CamMethod> chooseMethods() {
        return CliSupport.methods(methods, List.of("gradcam", "hirescam"));
    }

    /** A file that parses or is refused as a whole. */
    private interface Reader<T> {
        T read(Path file) throws java.io.IOException, LabelsFile.FormatException;
    }

    /** Reads {@code file} given to {@code option}; its faults become the option's one-line message. */
    private static <T> T readTable(Path file, String option, Reader<T> reader) throws java.io.IOException {
        if (file == null) return null;
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(option + " " + PathNames.shown(file) + ": no such file");
        try {
            return reader.read(file);
        } catch (LabelsFile.FormatException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(option + " " + PathNames.shown(file) + ": not a UTF-8 text file");
        }
    }

    private MaskFiles readMasks() {
        if (masks == null) return null;
        try {
            return new MaskFiles(masks);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--masks " + CliSupport.message(e));
        }
    }
}
