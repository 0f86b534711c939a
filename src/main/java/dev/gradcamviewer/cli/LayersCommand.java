package dev.gradcamviewer.cli;

import dev.gradcamviewer.model.LayerNode;
import dev.gradcamviewer.model.Manifest;
import dev.gradcamviewer.model.ModelBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "layers", mixinStandardHelpOptions = true, versionProvider = GradcamCommand.Version.class, description = "Print the model's layer tree; '*' marks layers that can be explained.")
final class LayersCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model bundle (*.pt); default: the bundled demo model")
    Path model;

    @Override
    public Integer call() throws Exception {
        Path file = CliSupport.modelPath(model);
        PrintStream out = System.out;
        // a bundle's manifest has the tree: no need to start libtorch (seconds) to print it
        var described = ModelBundle.describe(file);
        if (described.isPresent()) {
            Manifest m = described.get().manifest();
            out.println("# " + m.model().name() + " (" + file.getFileName() + ")");
            out.println("# " + m.taps().size() + " tapped layers; default layer: " + m.defaultLayer());
            print(out, described.get().tree().root(), 0, m.defaultLayer(), layouts(m));
            return 0;
        }
        try (ModelBundle bundle = ModelBundle.open(file)) {
            out.println("# " + bundle.name() + " (" + bundle.file().getFileName() + ")");
            out.println("# no Grad-CAM manifest: prediction only; export the model with models/tools/export_model.py to explain it");
            print(out, bundle.tree().root(), 0, bundle.manifest().defaultLayer(), Map.of());
            return 0;
        }
    }

    /** Taps whose output is not a channels-first map, with how the map is read from it. */
    private static Map<String, String> layouts(Manifest m) {
        Map<String, String> out = new HashMap<>();
        for (Manifest.TapSpec t : m.taps()) {
            if (t.layout() != null && t.layout().kind() != null && !t.layout().kind().equals("channels_first")) {
                out.put(t.name(), t.layout().describe());
            }
        }
        return out;
    }

    private static void print(PrintStream out, LayerNode node, int depth, String defaultLayer, Map<String, String> layouts) {
        String mark = node.isTapped() ? "* " : "  ";
        String suffix = node.path().equals(defaultLayer) ? "    <- default layer" : "";
        if (layouts.containsKey(node.path())) suffix = "    (" + layouts.get(node.path()) + ")" + suffix;
        if (!node.path().isEmpty() && node.isTapped()) suffix = "    [" + node.path() + "]" + suffix;
        out.println(mark + "  ".repeat(depth) + node.label() + suffix);
        for (LayerNode child : node.children()) print(out, child, depth + 1, defaultLayer, layouts);
    }
}
