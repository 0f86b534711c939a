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

    static {
        // Must be set before DJL starts: with it DJL never opens a socket (no downloads, no telemetry).
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private TorchEngine() { }

    /** Starts the engine (unpacking libtorch from its jar on the first run). */
    public static synchronized Engine engine() {
        return Engine.getEngine("PyTorch");
    }

    public static String libtorchVersion() {
        return engine().getVersion();
    }

    /** The self-check's verdict, computed on first call (about a second). */
    public static synchronized GradientSelfCheck.Report gradientCheck() {
        if (report == null) {
            engine();
            report = GradientSelfCheck.run(TorchEngine::convInputGradient, ConvCase.KNOWN_BAD, () -> {
                LOG.warn("float32 convolution gradients disagree with float64: switching oneDNN off");
                OneDnnSwitch.setEnabled(false);
            });
            report.findings().forEach(f -> LOG.info("gradient self-check: {}", f));
            if (report.camsAllowed()) LOG.info(report.summary());
            else LOG.error(report.summary());
        }
        return report;
    }

    public static synchronized boolean oneDnnEnabled() {
        engine();
        return OneDnnSwitch.isEnabled();
    }

    /** For tests: switch oneDNN back on and forget the verdict. */
    static synchronized void resetForTest(boolean oneDnn) {
        engine();
        OneDnnSwitch.setEnabled(oneDnn);
        report = null;
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
