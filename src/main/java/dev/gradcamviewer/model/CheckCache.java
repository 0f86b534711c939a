package dev.gradcamviewer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcamviewer.files.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The gradient self-check's verdict, remembered per libtorch build and CPU (model name and feature
 * flags) so that later starts skip the check. Where the CPU cannot be named the verdict is never
 * cached. {@code check-engine} always runs the check and renews the entry; deleting the cache
 * folder forgets every verdict.
 */
final class CheckCache {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckCache() { }

    /** The cache file for this machine and libtorch, or empty when the CPU cannot be named. */
    static Optional<Path> file(String libtorchVersion) {
        Optional<String> cpu = cpuIdentity();
        if (cpu.isEmpty()) return Optional.empty();
        String key = libtorchVersion + "|" + System.getProperty("os.arch") + "|" + cpu.get() + "|" + ConvCase.KNOWN_BAD + "|" + GradientSelfCheck.TOLERANCE;
        return Optional.of(cacheDir().resolve("gradient-check-" + sha256(key).substring(0, 16) + ".json"));
    }

    static Optional<GradientSelfCheck.Report> load(String libtorchVersion) {
        try {
            Optional<Path> f = file(libtorchVersion);
            if (f.isEmpty() || !Files.isRegularFile(f.get())) return Optional.empty();
            Map<?, ?> m = JSON.readValue(f.get().toFile(), Map.class);
            GradientSelfCheck.Outcome outcome = GradientSelfCheck.Outcome.valueOf((String) m.get("outcome"));
            if (outcome == GradientSelfCheck.Outcome.PASSED_WITH_ONEDNN_CHOSEN_OFF) return Optional.empty();
            @SuppressWarnings("unchecked") List<String> findings = (List<String>) m.get("findings");
            List<String> all = new java.util.ArrayList<>(findings);
            all.add("(remembered from the check of " + m.get("time") + " on this CPU and libtorch; `check-engine` checks again)");
            return Optional.of(new GradientSelfCheck.Report(outcome, all));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable entry: check again
        }
    }

    static void save(String libtorchVersion, GradientSelfCheck.Report report) {
        if (report.outcome() == GradientSelfCheck.Outcome.PASSED_WITH_ONEDNN_CHOSEN_OFF) return;
        try {
            Optional<Path> f = file(libtorchVersion);
            if (f.isEmpty()) return;
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("outcome", report.outcome().name(),
                    "findings", report.findings().stream().filter(s -> !s.startsWith("(remembered")).toList(),
                    "time", java.time.Instant.now().toString(), "libtorch", libtorchVersion));
            AtomicFile.write(f.get(), out -> out.write(bytes));
        } catch (IOException | RuntimeException e) {
            // a cache: the check simply runs again next time
        }
    }

    private static Path cacheDir() {
        String forced = System.getProperty("gradcam.cache");
        if (forced != null && !forced.isBlank()) return Path.of(forced);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return Path.of(local != null ? local : home, "gradcam-viewer", "cache");
        }
        if (os.contains("mac")) return Path.of(home, "Library", "Caches", "gradcam-viewer");
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".cache")).resolve("gradcam-viewer");
    }

    private static volatile Optional<String> cpu;

    /**
     * Reads what a look-up needs that does not need libtorch (the CPU's identity, the JSON reader and
     * the hash loaded), so that it can run beside libtorch's start instead of after it.
     */
    static void prepare() {
        cpuIdentity();
        sha256("");
        try {
            JSON.readValue("{}", Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CPU's model name and feature flags (Linux), or the processor identifier (Windows); read once. */
    static Optional<String> cpuIdentity() {
        Optional<String> c = cpu;
        if (c == null) cpu = c = readCpuIdentity();
        return c;
    }

    private static Optional<String> readCpuIdentity() {
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                String model = null;
                String flags = null;
                for (String line : Files.readAllLines(info)) {
                    if (model == null && line.startsWith("model name")) model = line.substring(line.indexOf(':') + 1).trim();
                    if (flags == null && line.startsWith("flags")) flags = line.substring(line.indexOf(':') + 1).trim();
                    if (model != null && flags != null) break;
                }
                return model == null || flags == null ? Optional.empty() : Optional.of(model + "|" + flags);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String win = System.getenv("PROCESSOR_IDENTIFIER");
        return win == null || win.isBlank() ? Optional.empty() : Optional.of(win);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
