package dev.gradcamviewer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model-parameter randomisation of Adebayo et al. (2018), on the loaded bundle itself: the
 * model's blocks, from the output down, re-initialised as PyTorch initialises them (a weight of two
 * or more dimensions and its bias uniform in +-1/sqrt(fan_in), as kaiming_uniform_(a=sqrt(5)) and
 * the default bias do; a one-dimensional weight, a normalisation layer's, 1 and its bias 0; any other
 * parameter normal with sigma 0.02), with a fixed seed. The parameters are written in place and
 * restored on {@link Randomised#close}. Buffers (batch norm's running statistics) are not
 * parameters and stay. Call on the model's thread.
 */
public final class ParameterRandomiser {
    private ParameterRandomiser() { }

    /**
     * The model's blocks in the order the cascade randomises them: the top-level modules with
     * parameters, a numbered container's children one by one (resnet_blocks.4, then .3, ...), the
     * last in the model first.
     */
    public static List<String> cascade(ModelBundle bundle) {
        Map<String, Boolean> groups = new LinkedHashMap<>();
        for (var p : bundle.parameters()) groups.put(group(name(p.getKey())), true);
        List<String> out = new ArrayList<>(groups.keySet());
        java.util.Collections.reverse(out);
        return out;
    }

    /** The block a parameter belongs to: its first name, with the next when that is a number (a Sequential's child). */
    static String group(String name) {
        String[] parts = name.split("\\.");
        if (parts.length >= 3 && parts[1].chars().allMatch(Character::isDigit)) return parts[0] + "." + parts[1];
        return parts[0];
    }

    /** The parameter's name in the model (without the exporter's wrapper prefix). */
    static String name(String key) {
        return key.startsWith("model.") ? key.substring("model.".length()) : key;
    }

    /** Parameters as they were, put back on close. */
    public static final class Randomised implements AutoCloseable {
        private final List<Pair<NDArray, float[]>> saved = new ArrayList<>();

        @Override
        public void close() {
            for (var s : saved) s.getKey().set(s.getValue());
            saved.clear();
        }
    }

    /** Re-initialises every parameter of the given blocks; the returned object restores them. */
    public static Randomised randomise(ModelBundle bundle, java.util.Collection<String> blocks, long seed) {
        Randomised r = new Randomised();
        List<Pair<String, Parameter>> params = bundle.parameters();
        Map<String, long[]> weightShapes = new LinkedHashMap<>();
        for (var p : params) {
            String n = name(p.getKey());
            if (n.endsWith(".weight")) weightShapes.put(n.substring(0, n.length() - ".weight".length()), p.getValue().getArray().getShape().getShape());
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (var p : params) {
            String n = name(p.getKey());
            if (!blocks.contains(group(n))) continue;
            NDArray a = p.getValue().getArray();
            float[] old = a.toFloatArray();
            r.saved.add(new Pair<>(a, old));
            a.set(initial(n, a.getShape().getShape(), weightShapes, random));
        }
        return r;
    }

    static float[] initial(String name, long[] shape, Map<String, long[]> weightShapes, SplittableRandom random) {
        int size = 1;
        for (long d : shape) size *= (int) d;
        float[] v = new float[size];
        String module = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
        long[] weight = weightShapes.get(module);
        boolean isWeight = name.endsWith(".weight");
        boolean isBias = name.endsWith(".bias");
        if (isWeight && shape.length >= 2) {
            fillUniform(v, 1 / Math.sqrt(fanIn(shape)), random);
        } else if (isWeight && shape.length == 1) {
            java.util.Arrays.fill(v, 1f);
        } else if (isBias && weight != null && weight.length >= 2) {
            fillUniform(v, 1 / Math.sqrt(fanIn(weight)), random);
        } else if (isBias) {
            java.util.Arrays.fill(v, 0f);
        } else {
            for (int i = 0; i < v.length; i++) v[i] = (float) (0.02 * gaussian(random));
        }
        return v;
    }

    /** A weight's inputs per output: its second dimension times the kernel's size. */
    static double fanIn(long[] shape) {
        double f = shape[1];
        for (int i = 2; i < shape.length; i++) f *= shape[i];
        return f;
    }

    private static void fillUniform(float[] v, double bound, SplittableRandom random) {
        for (int i = 0; i < v.length; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-300, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
