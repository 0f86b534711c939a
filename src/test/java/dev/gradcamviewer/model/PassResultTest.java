package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pass keeps its layers in libtorch until one is read; closing frees the rest, safely across threads. */
class PassResultTest {
    private static ModelBundle demo;
    private static float[] input;
    private static int target;

    @BeforeAll
    static void open() throws BundleException {
        demo = ModelBundle.open(Fixtures.demoModel());
        JsonNode image = Fixtures.demoReference().get(0);
        input = Fixtures.demoArray(image.get("input").asText()).data();
        target = image.get("target").asInt();
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    @Test
    void aLayerReadLaterEqualsTheSameLayerFromAPassThatAskedOnlyForIt() throws Exception {
        TapTensors alone;
        try (PassResult one = demo.explain(input, target, Score.LOGIT, List.of("resnet_blocks.2.conv1"))) {
            assertEquals(List.of("resnet_blocks.2.conv1"), List.copyOf(one.tapNames()));
            alone = one.tap("resnet_blocks.2.conv1");
        }
        try (PassResult all = demo.explain(input, target, Score.LOGIT, null)) {
            assertEquals(demo.tapNames(), List.copyOf(all.tapNames()));
            TapTensors late = all.tap("resnet_blocks.2.conv1");
            assertArrayEquals(alone.activations(), late.activations());
            assertArrayEquals(alone.gradients(), late.gradients());
            assertSame(late, all.tap("resnet_blocks.2.conv1"), "a layer is copied once");
            assertEquals(late.channels() * late.height() * late.width(), late.gradients().length);
        }
    }

    @Test
    void afterClosingReadLayersStayAndUnreadOnesAreRefusedWithAReason() throws Exception {
        PassResult pass = demo.explain(input, target, Score.LOGIT, null);
        TapTensors kept = pass.tap("resnet_blocks.4");
        assertFalse(pass.released());
        pass.close();
        assertTrue(pass.released());
        assertSame(kept, pass.tap("resnet_blocks.4"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pass.tap("resnet_blocks.3"));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pass.tap("no.such.layer"));
        pass.close(); // twice is harmless
    }

    @Test
    void closingTheModelReleasesItsPasses() throws Exception {
        PassResult pass;
        try (ModelBundle other = ModelBundle.open(Fixtures.demoModel())) {
            pass = other.explain(input, target, Score.LOGIT, null);
            assertFalse(pass.released());
        }
        assertTrue(pass.released());
        assertThrows(IllegalStateException.class, () -> pass.tap("resnet_blocks.4"));
        pass.close(); // the viewer frees a replaced image's pass after its model may have gone
    }

    @Test
    void readingOnSeveralThreadsWhileAnotherClosesGivesWholeLayersOrARefusal() throws Exception {
        List<float[]> reference = new ArrayList<>();
        List<String> names = demo.tapNames();
        try (PassResult pass = demo.explain(input, target, Score.LOGIT, null)) {
            for (String n : names) reference.add(pass.tap(n).gradients());
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 5; round++) {
                PassResult pass = demo.explain(input, target, Score.LOGIT, null);
                int pause = round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    int offset = r;
                    readers.add(pool.submit(() -> {
                        go.await();
                        int read = 0;
                        for (int i = offset; i < names.size(); i += 2) {
                            try {
                                assertArrayEquals(reference.get(i), pass.tap(names.get(i)).gradients(), names.get(i));
                                read++;
                            } catch (IllegalStateException released) {
                                assertTrue(pass.released());
                            }
                        }
                        return read;
                    }));
                }
                Future<?> closer = pool.submit(() -> {
                    go.await();
                    Thread.sleep(pause);
                    pass.close();
                    return null;
                });
                go.countDown();
                closer.get();
                for (Future<Integer> f : readers) assertTrue(f.get() >= 0);
                assertTrue(pass.released());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
