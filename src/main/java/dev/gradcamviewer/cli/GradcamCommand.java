package dev.gradcamviewer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gradcam-viewer} command line; without a command the viewer opens instead (see Main). */
@Command(name = "gradcam-viewer", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class,
        description = "Shows where a PyTorch image classifier looks. Without a command, opens the viewer.",
        subcommands = {LayersCommand.class, PredictCommand.class, ExplainCommand.class, AtlasCommand.class, SanityCommand.class, CheckEngineCommand.class, BenchCommand.class, SelfTestCommand.class})
public final class GradcamCommand implements Runnable {
    /** The pom's version, as the About box and the installers show it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Grad-CAM Viewer " + dev.gradcamviewer.app.AppVersion.get()};
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** As {@link #execute}, with Ctrl-C and SIGTERM stopping a batch cleanly (for a process of its own). */
    public static int executeStoppable(String... args) {
        Interrupts.install();
        int code = execute(args);
        return Interrupts.requested() ? Interrupts.exitCode() : code;
    }

    /** Runs the command line; errors become one line on stderr and a non-zero exit code. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new GradcamCommand());
        cl.setUnmatchedOptionsArePositionalParams(true); // an image named "-x.png" is an image
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("gradcam-viewer: error: " + CliSupport.message(ex));
            return 2;
        });
        return cl.execute(args);
    }
}
