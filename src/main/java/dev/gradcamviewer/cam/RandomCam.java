package dev.gradcamviewer.cam;

import java.util.SplittableRandom;

/**
 * The baseline every faithfulness score is judged against: a uniform random map with a fixed seed
 * (the same map for the same layer shape), nothing of the model in it.
 */
public final class RandomCam implements MapMethod {
    static final long SEED = 20261130L;

    @Override public String id() { return "random"; }

    @Override public String displayName() { return "Random (baseline)"; }

    @Override public boolean usesGradients() { return false; }

    @Override
    public double[] rawMap(LayerData l) {
        SplittableRandom r = new SplittableRandom(SEED ^ ((long) l.height() << 32) ^ l.width());
        double[] map = new double[l.cells()];
        for (int p = 0; p < map.length; p++) map[p] = r.nextDouble();
        return map;
    }
}
