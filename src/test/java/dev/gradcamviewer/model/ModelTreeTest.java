package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTreeTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = ModelTreeTest.class.getResourceAsStream("/trees/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The parsed dotted paths and types equal PyTorch's named_modules() for the same model. */
    @ParameterizedTest
    @ValueSource(strings = {"xray", "resnet50", "densenet121", "vgg16", "mobilenet_v3_small", "efficientnet_b0", "vit_b_16"})
    void pathsAndTypesMatchNamedModules(String model) throws IOException {
        ModelTree tree = ModelTree.parse(resource(model + ".txt"));
        List<?> expected = new ObjectMapper().readValue(resource(model + ".paths.json"), List.class);
        List<List<String>> actual = new ArrayList<>();
        for (LayerNode n : tree.layers()) actual.add(List.of(n.path(), n.type()));
        assertEquals(expected, actual);
    }

    @Test
    void rowsReadAsPrinted() throws IOException {
        ModelTree tree = ModelTree.parse(resource("xray.txt"));
        assertEquals("XRayClassifier", tree.root().type());
        LayerNode block = tree.find("resnet_blocks.4").orElseThrow();
        assertEquals("(4): ResNetBlock", block.label());
        LayerNode conv = tree.find("resnet_blocks.4.conv1").orElseThrow();
        assertEquals("Conv2d", conv.type());
        assertEquals("128, 256, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False", conv.arguments());
        assertEquals("(conv1): Conv2d(128, 256, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)", conv.label());
        assertEquals(2, tree.find("resnet_blocks.4.shortcut").orElseThrow().children().size());
    }

    @Test
    void collapsedRepeatsOfNewerPyTorchAreKept() {
        String printed = String.join("\n",
                "Net(",
                "  (layers): ModuleList(",
                "    (0-2): 3 x Block(",
                "      (conv): Conv2d(8, 8, kernel_size=(3, 3), stride=(1, 1))",
                "    )",
                "    (3): Block(",
                "      (conv): Conv2d(8, 8, kernel_size=(3, 3), stride=(1, 1))",
                "    )",
                "  )",
                ")");
        ModelTree tree = ModelTree.parse(printed);
        LayerNode collapsed = tree.find("layers.0-2").orElseThrow();
        assertEquals(3, collapsed.repeat());
        assertEquals("(0-2): 3 x Block", collapsed.label());
        assertTrue(tree.find("layers.3.conv").isPresent());
        tree.markTaps(List.of("layers.3"), Map.of(), true);
        assertTrue(tree.find("layers.3").orElseThrow().isTapped());
        assertTrue(collapsed.untappedReason().contains("collapsed"));
    }

    @Test
    void extraRepresentationOfAContainerBecomesItsArguments() {
        ModelTree tree = ModelTree.parse("Outer(\n  in_features=3\n  (inner): Linear(in_features=3, out_features=1, bias=True)\n)");
        assertEquals("in_features=3", tree.root().arguments());
        assertEquals("inner", tree.layers().get(0).path());
    }
}
