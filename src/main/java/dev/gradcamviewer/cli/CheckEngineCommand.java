package dev.gradcamviewer.cli;

import dev.gradcamviewer.model.GradientSelfCheck;
import dev.gradcamviewer.model.TorchEngine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "check-engine", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = "Run the gradient self-check and print what it found; exit 1 if CAMs would be refused.")
final class CheckEngineCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("libtorch " + TorchEngine.libtorchVersion());
        GradientSelfCheck.Report r = TorchEngine.gradientCheck(true);
        r.findings().forEach(f -> System.out.println("  " + f));
        System.out.println(r.summary());
        System.out.println(TorchEngine.switches());
        return r.camsAllowed() ? 0 : 1;
    }
}
