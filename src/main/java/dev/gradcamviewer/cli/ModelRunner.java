package dev.gradcamviewer.cli;

import dev.gradcamviewer.model.BundleException;
import dev.gradcamviewer.model.ModelBundle;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The command line's model, driven on a thread of its own with a time limit on its load and on each
 * pass: a model whose forward never returns is reported (and the rest of a batch is said not to be
 * done) instead of hanging the command. A call into libtorch cannot be interrupted, so after a hang
 * the model is left alone (not closed) and the process ends.
 */
final class ModelRunner implements AutoCloseable {
    /** A model call that did not finish within the time limit. */
    static final class HungException extends RuntimeException {
        HungException(String message) { super(message); }
    }

    private final ExecutorService thread = CliSupport.daemonThread("model");
    private final long timeoutSeconds;
    private final ModelBundle bundle;
    private volatile String hungOn;

    private ModelRunner(Path model, long timeoutSeconds, boolean explaining) throws Exception {
        if (timeoutSeconds < 1) throw new IllegalArgumentException("--timeout must be at least 1 second");
        this.timeoutSeconds = timeoutSeconds;
        ModelBundle b;
        try {
            // explaining, the first image's pass checks the outputs against the manifest (a blank pass saved)
            b = call("loading the model", () -> explaining ? ModelBundle.openCheckingOnFirstPass(CliSupport.modelPath(model)) : CliSupport.openModel(model));
        } catch (HungException e) {
            throw new BundleException(e.getMessage());
        }
        this.bundle = b;
    }

    static ModelRunner open(Path model, long timeoutSeconds) throws Exception {
        return new ModelRunner(model, timeoutSeconds, false);
    }

    /** For work that starts with an explaining pass of the model (explain): that pass checks the model's outputs. */
    static ModelRunner openToExplain(Path model, long timeoutSeconds) throws Exception {
        return new ModelRunner(model, timeoutSeconds, true);
    }

    ModelBundle bundle() { return bundle; }

    /** Runs one piece of model work within the time limit; its own exceptions come through unchanged. */
    <T> T call(String what, Callable<T> work) throws Exception {
        if (hungOn != null) throw new HungException("not done: the model is still busy with " + hungOn);
        Future<T> f = thread.submit(work);
        try {
            return f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            hungOn = what;
            f.cancel(true);
            throw new HungException("the model did not answer within " + timeoutSeconds + " s while " + what
                    + " (raise --timeout if it is only slow)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) throw ex;
            if (c instanceof Error err) throw err;
            throw e;
        }
    }

    boolean hung() { return hungOn != null; }

    @Override
    public void close() {
        if (hungOn == null && bundle != null) {
            try {
                thread.submit(bundle::close).get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing is a courtesy to libtorch; the process ends anyway
            }
        }
        thread.shutdownNow();
    }
}
