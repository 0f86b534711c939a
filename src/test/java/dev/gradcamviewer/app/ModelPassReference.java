package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.Npy;
import dev.gradcamviewer.imaging.Preprocessed;
import dev.gradcamviewer.model.ModelBundle;
import dev.gradcamviewer.model.PassResult;
import dev.gradcamviewer.model.Score;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The exporter's references for the methods and metrics that need model passes (reference.py:
 * Score-CAM, Ablation-CAM, aug-smooth, faithfulness), written for the first image at one layer of the
 * demo model ({@code resnet_blocks.4}) and of torchvision's resnet18 with seeded random weights
 * ({@code layer4}), with the bundle opened and the image explained at that layer by its target's logit.
 */
record ModelPassReference(String model, Path dir, String tap, JsonNode image, JsonNode entry, float[] input,
                          ModelBundle bundle, ExplainedImage explained) implements AutoCloseable {
    static final List<String> MODELS = List.of("demo", "resnet18");

    static ModelPassReference open(String model) throws Exception {
        boolean demo = model.equals("demo");
        Path dir = demo ? Fixtures.dir().resolve("demo") : Fixtures.dir().resolve(model).resolve("reference");
        Path bundlePath = demo ? Fixtures.demoModel() : Fixtures.dir().resolve(model).resolve(model + ".pt");
        String tap = demo ? "resnet_blocks.4" : "layer4";
        JsonNode image = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("images").get(0);
        JsonNode entry = image.get("cams").get(tap).get("logit");
        float[] input = Npy.read(dir.resolve(image.get("input").asText())).data();
        ModelBundle bundle = ModelBundle.open(bundlePath);
        try {
            List<Integer> shape = bundle.manifest().input().shape();
            Preprocessed x = new Preprocessed(input, 3, shape.get(2), shape.get(3), null);
            PassResult pass = bundle.explain(input, image.get("target").asInt(), Score.LOGIT, List.of(tap));
            ExplainedImage explained = new ExplainedImage(Path.of(image.get("file").asText()), null, x, pass, bundle.manifest().taps());
            return new ModelPassReference(model, dir, tap, image, entry, input, bundle, explained);
        } catch (Exception e) {
            bundle.close();
            throw e;
        }
    }

    int target() { return image.get("target").asInt(); }

    float[] floats(String file) throws IOException { return Npy.read(dir.resolve(file)).data(); }

    double[] doubles(String file) throws IOException { return Npy.readDoubles(dir.resolve(file)).data(); }

    Npy.Array array(String file) throws IOException { return Npy.read(dir.resolve(file)); }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError(a.length + " values against " + b.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst;
    }

    @Override
    public void close() {
        explained.close();
        bundle.close();
    }
}
