package dev.gradcamviewer.imaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A colormap as matplotlib defines it: 256 RGB entries, a value v in [0, 1] takes entry
 * {@code min(floor(v * 256), 255)}. The tables come from matplotlib (models/tools/make_colormaps.py).
 */
public final class Colormap {
    public static final int N = 256;
    private static final Map<String, float[][]> TABLES = load();

    private final String base;
    private final boolean reversed;
    private final int[] rgb = new int[N];

    private Colormap(String base, boolean reversed) {
        this.base = base;
        this.reversed = reversed;
        float[][] t = TABLES.get(base);
        for (int i = 0; i < N; i++) {
            float[] c = t[reversed ? N - 1 - i : i];
            rgb[i] = (EightBit.of(c[0]) << 16) | (EightBit.of(c[1]) << 8) | EightBit.of(c[2]);
        }
    }

    /** By name: "jet", "viridis", …, or with "_r" for the reversed map ("jet_r"). */
    public static Colormap of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        boolean rev = n.endsWith("_r");
        String base = rev ? n.substring(0, n.length() - 2) : n;
        if (!TABLES.containsKey(base)) {
            throw new IllegalArgumentException("unknown colormap '" + name + "' (" + String.join(", ", names()) + ", each also with _r)");
        }
        return new Colormap(base, rev);
    }

    /** The base names in the order users see them. */
    public static List<String> names() { return Collections.unmodifiableList(new ArrayList<>(TABLES.keySet())); }

    public String name() { return reversed ? base + "_r" : base; }

    /** Entry index for a value, as matplotlib computes it; values outside [0, 1] are clipped. */
    public static int index(double v) {
        if (!(v > 0)) return 0;
        return (int) Math.min(Math.floor(v * N), N - 1);
    }

    /** 0xRRGGBB for a value in [0, 1]. */
    public int rgb(double v) { return rgb[index(v)]; }

    /** The float RGB entry for a value, as matplotlib returns it (before rounding to 8 bits). */
    public float[] rgbFloat(double v) {
        int i = index(v);
        return TABLES.get(base)[reversed ? N - 1 - i : i].clone();
    }

    private static Map<String, float[][]> load() {
        Map<String, float[][]> tables = new LinkedHashMap<>();
        try (InputStream in = Colormap.class.getResourceAsStream("colormaps.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t");
                float[][] t = tables.computeIfAbsent(f[0], k -> new float[N][]);
                t[Integer.parseInt(f[1])] = new float[] {Float.parseFloat(f[2]), Float.parseFloat(f[3]), Float.parseFloat(f[4])};
            }
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("colormap tables missing from the application", e));
        }
        return tables;
    }
}
