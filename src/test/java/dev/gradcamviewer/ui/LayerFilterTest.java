package dev.gradcamviewer.ui;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.model.LayerNode;
import dev.gradcamviewer.model.ModelBundle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer filter matches names and types separately. */
class LayerFilterTest {
    private static List<String> matching(String filter) throws Exception {
        return ModelBundle.describe(Fixtures.demoModel()).orElseThrow().tree().layers().stream()
                .filter(n -> !n.path().isEmpty() && LayerPicker.matches(n, filter)).map(LayerNode::path).toList();
    }

    @Test
    void aNameFindsThoseLayersNotEveryLayerOfASimilarType() throws Exception {
        List<String> conv2 = matching("conv2");
        assertEquals(5, conv2.size(), conv2.toString());
        assertTrue(conv2.stream().allMatch(p -> p.endsWith(".conv2")), conv2.toString());
    }

    @Test
    void aTypeFindsItsLayersWholeOrByItsBeginning() throws Exception {
        List<String> convs = matching("conv2d");
        assertTrue(convs.size() > 10 && convs.contains("classifier.0"), convs.toString());
        assertEquals(matching("type:batchnorm"), matching("batchnorm2d"));
        List<String> norms = matching("type:batchnorm");
        assertEquals(15, norms.size(), norms.toString()); // bn1, bn2 and the shortcut's norm of five blocks
        assertTrue(norms.stream().allMatch(p -> p.endsWith(".bn1") || p.endsWith(".bn2") || p.endsWith(".shortcut.1")), norms.toString());
        assertEquals(5, matching("type:resnet").size());
    }
}
