package dev.gradcamviewer.model;

import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A loaded model: a TorchScript archive with (or, for prediction only, without) the exporter's
 * manifest. Methods are synchronised: DJL's gradient recording is process-wide.
 */
public final class ModelBundle implements AutoCloseable {
    public static final String MANIFEST_ENTRY = "gradcam/manifest.json";

    private final Path file;
    private final String sha256;
    private final Model model;
    private final Manifest manifest;
    private final boolean hasManifest;
    private final ModelTree tree;

    /** Whether the model's outputs and taps were found to be what the manifest describes. */
    private volatile boolean outputsChecked;

    /** A loaded model (see {@link BundleLoader}); with a manifest, its outputs are still to be checked against it. */
    ModelBundle(Path file, String sha256, Model model, Manifest manifest, boolean hasManifest) {
        this.file = file;
        this.sha256 = sha256;
        this.model = model;
        this.manifest = manifest;
        this.hasManifest = hasManifest;
        this.tree = BundleLoader.treeOf(manifest, hasManifest);
        this.outputsChecked = !hasManifest;
    }

    /** A bundle's manifest and layer tree, read from the archive without starting libtorch. */
    public record Description(Manifest manifest, ModelTree tree) { }

    /**
     * Reads the manifest straight from the archive (a TorchScript file is a zip; the exporter's
     * manifest is its extra file gradcam/manifest.json), checked as on loading; empty for a plain
     * TorchScript file, which only libtorch can describe.
     */
    public static java.util.Optional<Description> describe(Path file) throws BundleException {
        return BundleLoader.describe(file);
    }

    /** Opens a model file; every way it can be wrong becomes a {@link BundleException} saying which. */
    public static ModelBundle open(Path file) throws BundleException {
        return BundleLoader.load(file, true);
    }

    /**
     * Opens without the pass on a blank input that checks the model's outputs and taps against its
     * manifest: the first {@link #explain} checks them on its own outputs instead (a cold model's
     * first pass costs a quarter of a second; the viewer's start-up saves one). The bundle must not
     * be handed out before {@link #checkOutputs} has run.
     */
    public static ModelBundle openCheckingOnFirstPass(Path file) throws BundleException {
        return BundleLoader.load(file, false);
    }

    public Path file() { return file; }

    /** The model's parameters by name, as the traced module holds them (written in place by {@link ParameterRandomiser}). */
    synchronized java.util.List<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> parameters() {
        java.util.List<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> out = new java.util.ArrayList<>();
        for (var p : model.getBlock().getParameters()) out.add(new ai.djl.util.Pair<>(p.getKey(), p.getValue()));
        return out;
    }

    public String sha256() { return sha256; }

    public Manifest manifest() { return manifest; }

    /** False for a plain TorchScript file: it predicts (with assumed preprocessing) but cannot explain. */
    public boolean hasManifest() { return hasManifest; }

    public ModelTree tree() { return tree; }

    public List<String> labels() { return manifest.output().labels(); }

    public List<String> tapNames() { return manifest.taps().stream().map(Manifest.TapSpec::name).toList(); }

    public String name() { return manifest.model().name(); }

    /** Predicts from a preprocessed input of the manifest's shape, channels first. */
    public synchronized Prediction predict(float[] input) throws BundleException {
        Manifest.InputSpec in = manifest.input();
        long expected = (long) in.channels() * in.height() * in.width();
        if (input.length != expected) {
            throw new BundleException("input has " + input.length + " values; the model takes " + in.shape());
        }
        return TorchEngine.forward(() -> predictOnce(input));
    }

    private Prediction predictOnce(float[] input) throws BundleException {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList outputs = forward(manager, input);
            float[] y = outputs.get(0).toFloatArray();
            float[] logits = manifest.output().returnsLogits() ? outputs.get(1).toFloatArray()
                    : "logits".equals(manifest.output().activation()) ? y.clone() : null;
            int labels = manifest.output().labels().size();
            float[] p = Prediction.probabilities(manifest.output(), y);
            if (p.length != labels) {
                throw new BundleException("the model gave " + p.length + " probabilities for " + labels + " labels");
            }
            requireFinite(y);
            return new Prediction(manifest.output().labels(), p, logits, manifest.output().isMultiLabel());
        } catch (EngineException e) {
            throw new ImageFailedException("the model rejected the input: " + oneLine(e), e);
        }
    }

    /**
     * The target's score for each of {@code n} preprocessed inputs laid end to end, in one batched
     * forward pass without gradients (the masked inputs of Score-CAM and of the faithfulness
     * metrics). The probes are given for one input and broadcast over the batch.
     */
    public synchronized float[] scores(float[] inputs, int n, int target, Score score) throws BundleException {
        return scores(inputs, n, target, score, null, null);
    }

    /**
     * The same with one tap's probe given for each input ({@code probes}: n maps of the tap's shape,
     * channels first): what is added to that layer's output, downstream of which the model runs on.
     * Minus a channel's activations removes the channel (Ablation-CAM). {@code inputs} may hold one
     * input for all: the layers before the tap then run once and its output is broadcast over the
     * probes (a model that joins later layers with earlier ones by concatenation refuses that, and one
     * that reshapes by the input's batch size gives another batch size: both are errors here).
     */
    public synchronized float[] scores(float[] inputs, int n, int target, Score score, String tap, float[] probes) throws BundleException {
        Manifest.InputSpec in = manifest.input();
        long one = (long) in.channels() * in.height() * in.width();
        boolean shared = tap != null && inputs.length == one;
        if (inputs.length != one * n && !shared) {
            throw new BundleException("inputs have " + inputs.length + " values; " + n + " inputs of " + in.shape() + " were expected");
        }
        if (tap != null && manifest.taps().stream().noneMatch(t -> t.name().equals(tap))) throw new BundleException("no tapped layer '" + tap + "'");
        return TorchEngine.forward(() -> scoresOnce(inputs, n, target, score, tap, probes));
    }

    private float[] scoresOnce(float[] inputs, int n, int target, Score score, String probed, float[] probes) throws BundleException {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList batch = new NDList();
            Manifest.InputSpec in = manifest.input();
            batch.add(manager.create(inputs, new Shape(inputs.length / ((long) in.channels() * in.height() * in.width()),
                    in.channels(), in.height(), in.width())));
            for (Manifest.TapSpec tap : manifest.taps()) {
                long[] shape = tap.shapeArray();
                if (tap.name().equals(probed)) {
                    shape = shape.clone();
                    shape[0] = n;
                    batch.add(manager.create(probes, new Shape(shape)));
                } else {
                    batch.add(manager.zeros(new Shape(shape)));
                }
            }
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), batch, false);
            if (out.get(0).getShape().get(0) != n) {
                throw new ImageFailedException("the model gave " + out.get(0).getShape().get(0) + " outputs for a batch of " + n);
            }
            float[] y = out.get(0).toFloatArray();
            float[] z = manifest.output().returnsLogits() ? out.get(1).toFloatArray() : null;
            requireFinite(y);
            int k = y.length / n;
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                float[] row = java.util.Arrays.copyOfRange(y, i * k, (i + 1) * k);
                float[] logits = z == null ? null : java.util.Arrays.copyOfRange(z, i * (z.length / n), (i + 1) * (z.length / n));
                scores[i] = ScoreSelector.select(row, logits, manifest.output(), target, score);
            }
            return scores;
        } catch (EngineException e) {
            throw new ImageFailedException("the model rejected a batch of " + n + " inputs: " + oneLine(e), e);
        }
    }

    /**
     * One forward+backward pass with every probe tap: the prediction and, for the taps asked for
     * (all when {@code wanted} is null), activations and the gradient of the target's score.
     * Target -1 means the predicted label.
     */
    public synchronized PassResult explain(float[] input, int target, Score score, java.util.Collection<String> wanted)
            throws BundleException {
        if (!hasManifest) throw new BundleException("this model file has no Grad-CAM manifest: CAMs need a bundle made by models/tools/export_model.py");
        return TorchEngine.gradient(() -> explainOnce(input, target, score, wanted));
    }

    private PassResult explainOnce(float[] input, int target, Score score, java.util.Collection<String> wanted) throws BundleException {
        Manifest.InputSpec in = manifest.input();
        if (input.length != (long) in.channels() * in.height() * in.width()) {
            throw new BundleException("input has " + input.length + " values; the model takes " + in.shape());
        }
        long start = System.nanoTime();
        Manifest.OutputSpec out = manifest.output();
        if (score == Score.LOGIT && !out.returnsLogits() && !"logits".equals(out.activation())) {
            throw new BundleException("this bundle returns no logits; use the probability score");
        }
        // The pass's memory outlives this call when it succeeds: the taps stay native until asked for.
        NDManager manager = model.getNDManager().newSubManager();
        boolean handedOver = false;
        try {
            NDList inputs = new NDList();
            inputs.add(manager.create(input, new Shape(in.shape().stream().mapToLong(Integer::longValue).toArray())));
            List<NDArray> probes = new ArrayList<>();
            for (Manifest.TapSpec tap : manifest.taps()) {
                NDArray p = manager.zeros(new Shape(tap.shapeArray()));
                if (wanted == null || wanted.contains(tap.name())) p.setRequiresGradient(true);
                probes.add(p);
                inputs.add(p);
            }
            NDList outputs;
            int chosen;
            double scoreValue;
            Prediction prediction;
            try (ai.djl.training.GradientCollector collector = TorchEngine.engine().newGradientCollector()) {
                outputs = model.getBlock().forward(new ParameterStore(manager, false), inputs, true);
                if (!outputsChecked) checkOutputs(outputs);
                float[] y = outputs.get(0).toFloatArray();
                float[] logits = out.returnsLogits() ? outputs.get(1).toFloatArray() : "logits".equals(out.activation()) ? y.clone() : null;
                requireFinite(y);
                prediction = new Prediction(out.labels(), Prediction.probabilities(out, y), logits, out.isMultiLabel());
                chosen = target < 0 ? prediction.predicted() : target;
                if (chosen >= out.labels().size()) throw new BundleException("no label number " + chosen);
                NDArray s = ScoreSelector.select(outputs, out, chosen, score);
                scoreValue = s.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()[0];
                collector.backward(s);
            }
            int first = out.returnsLogits() ? 2 : 1;
            Map<String, PassResult.NativeTap> taps = new java.util.LinkedHashMap<>();
            for (int i = 0; i < manifest.taps().size(); i++) {
                Manifest.TapSpec tap = manifest.taps().get(i);
                NDArray probe = probes.get(i);
                NDArray activation = outputs.get(first + i);
                if (wanted == null || wanted.contains(tap.name())) {
                    List<Integer> sh = tap.shape();
                    NDArray gradient = probe.hasGradient() ? probe.getGradient() : null;
                    taps.put(tap.name(), new PassResult.NativeTap(activation.stopGradient(), gradient, sh.get(1), sh.get(2), sh.get(3)));
                }
                // only the detached views and gradients are kept; the probes' zeros go now
                activation.close();
                probe.close();
            }
            PassResult result = new PassResult(prediction, chosen, score, scoreValue, (System.nanoTime() - start) / 1_000_000, taps, manager);
            handedOver = true;
            return result;
        } catch (EngineException e) {
            throw new ImageFailedException("the model failed on this input: " + oneLine(e), e);
        } finally {
            if (!handedOver) manager.close();
        }
    }

    /**
     * For benchmarks: a forward+backward to the input image only, no probe asking for a gradient,
     * as a model without taps would do it. Returns milliseconds.
     */
    public synchronized double plainForwardBackward(float[] input) throws BundleException {
        return TorchEngine.gradient(() -> plainForwardBackwardOnce(input));
    }

    private double plainForwardBackwardOnce(float[] input) {
        long start = System.nanoTime();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList inputs = new NDList();
            NDArray x = manager.create(input, new Shape(manifest.input().shape().stream().mapToLong(Integer::longValue).toArray()));
            x.setRequiresGradient(true);
            inputs.add(x);
            for (Manifest.TapSpec tap : manifest.taps()) inputs.add(manager.zeros(new Shape(tap.shapeArray())));
            try (ai.djl.training.GradientCollector collector = TorchEngine.engine().newGradientCollector()) {
                NDList out = model.getBlock().forward(new ParameterStore(manager, false), inputs, true);
                collector.backward(benchmarkScore(out));
            }
            x.getGradient().toFloatArray();
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static void requireFinite(float[] y) throws BundleException {
        for (float v : y) {
            if (!Float.isFinite(v)) throw new ImageFailedException("the model's output for this image is not a number (" + v + "): no prediction");
        }
    }

    private NDArray benchmarkScore(NDList out) {
        Manifest.OutputSpec o = manifest.output();
        boolean logit = o.returnsLogits() || "logits".equals(o.activation());
        return ScoreSelector.select(out, o, 0, logit ? Score.LOGIT : Score.PROBABILITY);
    }

    private NDList forward(NDManager manager, float[] input) {
        NDList inputs = new NDList();
        inputs.add(manager.create(input, new Shape(manifest.input().shape().stream().mapToLong(Integer::longValue).toArray())));
        for (Manifest.TapSpec tap : manifest.taps()) inputs.add(manager.zeros(new Shape(tap.shapeArray())));
        return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }

    /** One forward with zero probes: the model must accept them and return activations of the recorded shapes. */
    /**
     * The model's outputs and taps against its manifest, on a blank input, unless the first pass
     * has checked them already; refused with the reason when they disagree.
     */
    public synchronized void checkOutputs() throws BundleException {
        if (outputsChecked) return;
        TorchEngine.forward(() -> {
            Manifest.InputSpec in = manifest.input();
            try (NDManager manager = model.getNDManager().newSubManager()) {
                checkOutputs(forward(manager, new float[in.channels() * in.height() * in.width()]));
            } catch (EngineException e) {
                throw new BundleException("the model's taps disagree with its manifest: " + oneLine(e), e);
            }
            return null;
        });
    }

    private void checkOutputs(NDList out) throws BundleException {
        int first = manifest.output().returnsLogits() ? 2 : 1;
        if (out.size() != first + manifest.taps().size()) {
            throw new BundleException("the model returns " + out.size() + " tensors, but its manifest describes "
                    + (first + manifest.taps().size()) + ": the manifest does not belong to this model");
        }
        OutputCheck.require(manifest.output(), out.get(0).toFloatArray(), manifest.output().returnsLogits() ? out.get(1).size() : -1);
        for (int i = 0; i < manifest.taps().size(); i++) {
            Manifest.TapSpec tap = manifest.taps().get(i);
            Shape actual = out.get(first + i).getShape();
            if (!Arrays.equals(actual.getShape(), tap.shapeArray())) {
                throw new BundleException("tap '" + tap.name() + "' has shape " + actual + " in the model but "
                        + tap.shape() + " in its manifest");
            }
        }
        outputsChecked = true;
    }

    /**
     * The message in one line. For an error raised inside a TorchScript model, whose first line is only
     * "The following operation failed in the TorchScript interpreter.", the model's own error line
     * (the last "...Error: ..." line of its traceback) is what says what went wrong.
     */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String[] lines = m.split("\n");
        if (m.contains("TorchScript interpreter")) {
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].trim();
                if (l.matches("[A-Za-z_.]*(Error|Exception): .+")) return l;
            }
        }
        return lines.length == 0 ? m.trim() : lines[0].trim();
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
