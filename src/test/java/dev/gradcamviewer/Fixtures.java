package dev.gradcamviewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.imaging.Npy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Files the tests read: the bundled demo model and samples, and what models/tools/make_test_fixtures.py wrote. */
public final class Fixtures {
    private Fixtures() { }

    public static Path root() { return Path.of(System.getProperty("project.root", ".")); }

    public static Path dir() { return Path.of(System.getProperty("fixtures", "target/fixtures")); }

    public static Path bad(String name) { return dir().resolve("bad").resolve(name); }

    public static Path demoModel() { return root().resolve("models/xray-phantom-demo.pt"); }

    public static Path sample(String file) { return root().resolve("models/samples").resolve(file); }

    /** The exporter's reference for the demo model: one entry per sample image. */
    public static List<JsonNode> demoReference() {
        try {
            JsonNode index = new ObjectMapper().readTree(dir().resolve("demo/reference.json").toFile());
            List<JsonNode> out = new ArrayList<>();
            index.get("images").forEach(out::add);
            if (out.isEmpty()) throw new IllegalStateException("empty reference");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("run 'mvn generate-test-resources' (needs Debian's python3-torch)", e);
        }
    }

    public static Npy.Array demoArray(String file) {
        try {
            return Npy.read(dir().resolve("demo").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
