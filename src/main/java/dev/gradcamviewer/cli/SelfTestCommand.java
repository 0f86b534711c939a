package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.BundledFiles;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.app.Explainer;
import dev.gradcamviewer.cam.CamMap;
import dev.gradcamviewer.cam.GradCam;
import dev.gradcamviewer.model.GradientSelfCheck;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.Score;
import dev.gradcamviewer.model.TorchEngine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "selftest", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = "Load the bundled model, run the gradient self-check and one CAM on a bundled sample; print a report; exit 0 if all is well, 1 if not.")
final class SelfTestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        boolean ok = true;
        System.out.printf(Locale.ROOT, "Grad-CAM Viewer %s, Java %s (%s), %s %s%n", dev.gradcamviewer.app.AppVersion.get(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"));
        try {
            long t0 = System.nanoTime();
            String torch = TorchEngine.libtorchVersion();
            long engineMs = ms(t0);
            System.out.printf(Locale.ROOT, "libtorch %s started in %d ms (offline: %s)%n", torch, engineMs, System.getProperty("ai.djl.offline"));
            t0 = System.nanoTime();
            GradientSelfCheck.Report check = TorchEngine.gradientCheck();
            System.out.printf(Locale.ROOT, "gradient self-check: %s (%d ms); %s%n", check.summary(), ms(t0), TorchEngine.paths());
            ok &= check.camsAllowed();
            Path modelPath = BundledFiles.demoModel().orElseThrow(() -> new IllegalStateException("the bundled demo model is missing"));
            Path sample = BundledFiles.firstSample().orElseThrow(() -> new IllegalStateException("the bundled sample images are missing"));
            t0 = System.nanoTime();
            try (ModelBundle bundle = ModelBundle.open(modelPath)) {
                System.out.printf(Locale.ROOT, "model %s (%s, sha256 %s...) loaded in %d ms%n", bundle.name(), modelPath.getFileName(),
                        bundle.sha256().substring(0, 12), ms(t0));
                t0 = System.nanoTime();
                try (ExplainedImage ex = new Explainer(bundle).explain(sample, -1, Score.LOGIT, null)) {
                    String layer = bundle.manifest().defaultLayer();
                    CamMap map = ex.cam(layer, new GradCam());
                    long camMs = ms(t0);
                    boolean mapOk = !map.isEmpty() && !map.zeroGradient();
                    System.out.printf(Locale.ROOT, "%s: %s %.3f; Grad-CAM of %s %s (%d ms including decoding)%n", sample.getFileName(),
                            ex.pass().prediction().predictedLabel(), ex.pass().prediction().probability(ex.pass().prediction().predicted()),
                            layer, mapOk ? "ok" : "EMPTY", camMs);
                    ok &= mapOk;
                }
            }
        } catch (Exception | UnsatisfiedLinkError e) {
            System.out.println("FAILED: " + CliSupport.message(e));
            ok = false;
        }
        System.out.println(ok ? "self-test passed" : "self-test FAILED");
        return ok ? 0 : 1;
    }

    private static long ms(long start) { return (System.nanoTime() - start) / 1_000_000; }

}
