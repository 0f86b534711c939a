package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.ImageFiles;
import dev.gradcamviewer.app.ModelInputs;
import dev.gradcamviewer.files.PathNames;
import dev.gradcamviewer.imaging.ImageDecoder;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = "Print one CSV line per image: file, predicted label, its probability, every label's probability.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds the model may take to load or for one image before it is reported as hung (default: ${DEFAULT-VALUE})")
    long timeout;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_FOLDERS")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        int failed = 0;
        java.util.concurrent.ExecutorService reader = CliSupport.daemonThread("decode");
        try (ModelRunner runner = ModelRunner.open(model, timeout)) {
            ModelBundle bundle = runner.bundle();
            StringBuilder header = new StringBuilder("file,predicted,probability");
            for (String l : bundle.labels()) header.append(",p_").append(CliSupport.csv(l));
            System.out.println(header);
            ImageFiles.Listing listing = ImageFiles.list(inputs);
            for (ImageFiles.Problem problem : listing.problems()) System.err.println("gradcam-viewer: " + problem);
            failed += listing.problems().size();
            List<Path> files = listing.files();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                if (Interrupts.requested()) {
                    System.err.println("gradcam-viewer: stopped before " + (files.size() - i) + " of " + files.size() + " images");
                    failed++;
                    break;
                }
                if (files.size() > 1) System.err.printf("[%d/%d] %s%n", i + 1, files.size(), PathNames.shown(file));
                try {
                    var decoded = Interrupts.await(reader.submit(() -> ImageDecoder.decode(file)));
                    if (decoded.truncated()) {
                        failed++;
                        System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": warning: " + String.join("; ", decoded.warnings()));
                    }
                    Preprocessed x = ModelInputs.preprocess(decoded, bundle.manifest().input());
                    Prediction p = runner.call("predicting " + file, () -> bundle.predict(x.tensor()));
                    StringBuilder line = new StringBuilder(CliSupport.csv(PathNames.shown(file)))
                            .append(',').append(CliSupport.csv(p.predictedLabel()))
                            .append(',').append(format(p.probability(p.predicted())));
                    for (float v : p.probabilities()) line.append(',').append(format(v));
                    System.out.println(line);
                } catch (Interrupts.Stopped e) {
                    System.err.println("gradcam-viewer: stopped while reading " + PathNames.shown(file) + ", before " + (files.size() - i)
                            + " of " + files.size() + " images");
                    failed++;
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": " + CliSupport.message(e.getCause() != null ? e.getCause() : e));
                } catch (Exception | StackOverflowError | OutOfMemoryError e) {
                    failed++;
                    System.err.println("gradcam-viewer: " + PathNames.shown(file) + ": " + CliSupport.message(e));
                }
            }
        } finally {
            reader.shutdownNow();
        }
        return failed == 0 ? 0 : 1;
    }

    private static String format(float v) { return String.format(Locale.ROOT, "%.6f", v); }
}
