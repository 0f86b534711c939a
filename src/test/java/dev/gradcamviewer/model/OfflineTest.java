package dev.gradcamviewer.model;

import ai.djl.util.Utils;
import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketImpl;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine runs offline: loading, predicting and explaining never create a socket. */
class OfflineTest {
    @Test
    @SuppressWarnings("deprecation")
    void noSocketIsEverOpened() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try {
            Socket.setSocketImplFactory(() -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("the viewer must not open sockets");
            });
        } catch (IOException e) {
            // a factory is already installed in this JVM (only one is allowed): the earlier one counts too
        }
        TorchEngine.engine();
        assertTrue(Utils.isOfflineMode(), "DJL must run in offline mode");
        try (ModelBundle b = ModelBundle.open(Fixtures.demoModel())) {
            float[] x = new float[3 * 256 * 256];
            b.predict(x);
            b.explain(x, -1, Score.LOGIT, null);
        }
        assertEquals(0, attempts.get());
    }
}
