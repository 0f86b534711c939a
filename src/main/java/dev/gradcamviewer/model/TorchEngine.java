package dev.gradcamviewer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Random;

/**
 * The PyTorch engine, always offline, with the gradient self-check run once before any CAM.
 * Gradient work is process-wide in DJL, so everything here is synchronised on this class.
 */
public final class TorchEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TorchEngine.class);
    private static GradientSelfCheck.Report report;
    /**
     * {@code -Dgradcam.onednn=off} runs with oneDNN off from the start, as the guard does on CPUs
     * where the self-check finds its gradients wrong (default {@code auto}: the self-check decides).
     */
    public static final String ONEDNN_PROPERTY = "gradcam.onednn";
    /** DJL's switch for TorchScript's graph executor optimisation, set by DJL on each forward's thread. */
    static final String GRAPH_OPTIMIZER_PROPERTY = "ai.djl.pytorch.graph_optimizer";

    static {
        // Must be set before DJL starts: with it DJL never opens a socket (no downloads, no telemetry).
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // TorchScript's profiling executor spends a model's first passes (and every new batch size
        // Score-CAM sends) profiling and re-optimising the graph; on CPU that buys nothing later:
        // steady passes measured the same either way (demo, resnet50), the first ones are shorter
        // (a batch's model work over 30 images 1.97-2.07 s -> 1.62-2.00 s) and the values are
        // bit for bit the same. A user's -Dai.djl.pytorch.graph_optimizer=true is left as it is.
        if (System.getProperty(GRAPH_OPTIMIZER_PROPERTY) == null) System.setProperty(GRAPH_OPTIMIZER_PROPERTY, "false");
    }

    private TorchEngine() { }

    private static boolean started;

    /**
     * Starts the engine: libtorch from where {@code PYTORCH_LIBRARY_PATH} names it (the .deb's own
     * copy), else unpacked from its jar into the user's home on the first run.
     */
    public static synchronized Engine engine() {
        if (!started && !chosenOff()) {
            Thread t = new Thread(CheckCache::prepare, "check-cache");
            t.setDaemon(true);
            t.start();
        }
        Engine e = Engine.getEngine("PyTorch");
        if (!started) {
            started = true;
            GlobalContext.setNnpack(false);
            describe();
        }
        return e;
    }

    /**
     * Before the engine starts: libtorch may use this many threads within an operation (a batch leaves
     * one core to the threads that decode and encode images beside it). No effect once started, or
     * when {@code ai.djl.pytorch.num_threads} was set by the user.
     */
    public static synchronized void preferThreads(int threads) {
        if (!started && !threadsChosenByUser()) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threads)));
        }
    }

    /** Whether the user set libtorch's thread count ({@code -Dai.djl.pytorch.num_threads}): then it is left alone. */
    public static boolean threadsChosenByUser() {
        return System.getProperty("ai.djl.pytorch.num_threads") != null;
    }

    /**
     * Libtorch's threads within an operation from now on, for the calling thread and threads started
     * later (a thread that has run an operation keeps its count: call this on the model's thread).
     */
    public static synchronized void useThreads(int threads) {
        engine();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(Math.max(1, threads));
    }

    /** Libtorch's threads within an operation, as the calling thread sees them. */
    public static synchronized int threads() {
        engine();
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    public static String libtorchVersion() {
        return engine().getVersion();
    }

    /**
     * The self-check's verdict, computed on first call (about half a second), or remembered from an
     * earlier run on this CPU and libtorch ({@link CheckCache}).
     */
    public static synchronized GradientSelfCheck.Report gradientCheck() {
        return gradientCheck(false);
    }

    /** With {@code fresh}, the check runs even when a verdict is remembered, and renews it. */
    public static synchronized GradientSelfCheck.Report gradientCheck(boolean fresh) {
        if (fresh) report = null;
        if (report == null) {
            engine();
            String version = libtorchVersion();
            java.util.Optional<GradientSelfCheck.Report> remembered = fresh || chosenOff() ? java.util.Optional.empty() : CheckCache.load(version);
            if (chosenOff()) {
                GlobalContext.setOneDnn(false);
                report = GradientSelfCheck.runWithOneDnnOff(TorchEngine::convInputGradient, ConvCase.KNOWN_BAD);
            } else if (remembered.isPresent()) {
                report = remembered.get();
                GlobalContext.setOneDnn(report.outcome() == GradientSelfCheck.Outcome.PASSED);
            } else {
                GlobalContext.setOneDnn(true);
                report = GradientSelfCheck.run(TorchEngine::convInputGradient, ConvCase.KNOWN_BAD, () -> GlobalContext.setOneDnn(false));
                CheckCache.save(version, report);
            }
            report.findings().forEach(f -> LOG.debug("gradient self-check: {}", f));
            if (report.camsAllowed()) LOG.info(report.summary());
            else LOG.error(report.summary());
            describe();
        }
        return report;
    }

    /** Model work that may fail with a message for the user. */
    interface Work<T> {
        T run() throws BundleException;
    }

    /** For tests: whether oneDNN was on during the last forward-only and the last gradient pass. */
    static volatile boolean lastForwardOneDnn;
    static volatile boolean lastGradientOneDnn;

    private static boolean chosenOff() {
        return "off".equalsIgnoreCase(System.getProperty(ONEDNN_PROPERTY, "auto"));
    }

    /**
     * Runs a pass without gradients (a prediction, a load check) with oneDNN on: libtorch's oneDNN bug
     * is in convolution input gradients, and its forward results are right, so predictions keep their
     * speed where the guard has switched oneDNN off for gradients. The switch is restored after.
     */
    static synchronized <T> T forward(Work<T> work) throws BundleException {
        engine();
        boolean before = GlobalContext.oneDnn();
        boolean want = !chosenOff();
        if (want != before) GlobalContext.setOneDnn(want);
        lastForwardOneDnn = want;
        try {
            return work.run();
        } finally {
            if (want != before) GlobalContext.setOneDnn(before);
        }
    }

    /** Runs a forward and backward pass on the path the gradient self-check decided. */
    static synchronized <T> T gradient(Work<T> work) throws BundleException {
        GradientSelfCheck.Report check = gradientCheck();
        if (!check.camsAllowed()) throw new BundleException(check.summary());
        lastGradientOneDnn = GlobalContext.oneDnn();
        return work.run();
    }

    private static volatile String state = "the engine has not started yet";

    /** One line on the engine's state for an About box; never waits for the engine. */
    public static String stateLine() {
        return state;
    }

    private static void describe() {
        state = "libtorch " + Engine.getEngine("PyTorch").getVersion() + "; " + switches();
    }

    /** The engine's switches in words: which path each kind of pass takes, NNPACK, TorchScript's optimisation. */
    public static synchronized String switches() {
        engine();
        return paths() + "; NNPACK " + (GlobalContext.nnpack() ? "on" : "off") + "; TorchScript graph optimisation "
                + (Boolean.getBoolean(GRAPH_OPTIMIZER_PROPERTY) ? "on" : "off");
    }

    /** Which engine path each kind of pass takes, in words. */
    public static synchronized String paths() {
        if (chosenOff()) return "oneDNN off for every pass (-D" + ONEDNN_PROPERTY + "=off)";
        if (report == null) return "oneDNN on for predictions; gradient self-check not run yet";
        return switch (report.outcome()) {
            case PASSED -> "oneDNN on for every pass (gradient self-check passed)";
            case PASSED_WITH_ONEDNN_OFF -> "oneDNN on for predictions, off for gradient passes (its float32 convolution "
                    + "gradients were wrong in the self-check)";
            case PASSED_WITH_ONEDNN_CHOSEN_OFF -> "oneDNN off for every pass (-D" + ONEDNN_PROPERTY + "=off)";
            case FAILED -> "oneDNN on for predictions; gradients wrong even with it off: CAMs are refused";
        };
    }

    /** Whether oneDNN is on for gradient passes (at rest the switch is where the self-check left it). */
    public static synchronized boolean oneDnnEnabled() {
        engine();
        return GlobalContext.oneDnn();
    }

    /** For tests: switch oneDNN back on and forget the verdict. */
    static synchronized void resetForTest(boolean oneDnn) {
        engine();
        GlobalContext.setOneDnn(oneDnn);
        report = null;
    }

    /** For tests: run gradient passes on one engine path as if the self-check had chosen it. */
    static synchronized void forceForTest(boolean oneDnn) {
        engine();
        GlobalContext.setOneDnn(oneDnn);
        report = new GradientSelfCheck.Report(oneDnn ? GradientSelfCheck.Outcome.PASSED : GradientSelfCheck.Outcome.PASSED_WITH_ONEDNN_OFF,
                java.util.List.of("forced by a test: oneDNN " + (oneDnn ? "on" : "off")));
    }

    static synchronized double[] convInputGradient(ConvCase c, boolean doublePrecision) {
        DataType type = doublePrecision ? DataType.FLOAT64 : DataType.FLOAT32;
        Random rnd = new Random(42);
        int inSize = c.batch() * c.inChannels() * c.size() * c.size();
        int wSize = c.outChannels() * c.inChannels() * c.kernel() * c.kernel();
        try (NDManager manager = NDManager.newBaseManager(engine().defaultDevice(), "PyTorch")) {
            NDArray x = manager.create(gaussian(rnd, inSize), new Shape(c.batch(), c.inChannels(), c.size(), c.size())).toType(type, false);
            NDArray w = manager.create(gaussian(rnd, wSize), new Shape(c.outChannels(), c.inChannels(), c.kernel(), c.kernel()))
                    .toType(type, false);
            x.setRequiresGradient(true);
            try (GradientCollector collector = engine().newGradientCollector()) {
                NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(c.padding(), c.padding()), new Shape(1, 1), 1)
                        .singletonOrThrow();
                NDArray r = manager.create(gaussian(new Random(7), (int) y.size()), y.getShape()).toType(type, false);
                collector.backward(y.mul(r).sum());
            }
            return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = rnd.nextGaussian();
        return d;
    }
}
