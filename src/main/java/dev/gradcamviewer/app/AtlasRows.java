package dev.gradcamviewer.app;

import dev.gradcamviewer.atlas.AtlasReduction;
import dev.gradcamviewer.atlas.AtlasRow;
import dev.gradcamviewer.atlas.Outcomes;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * The atlas's rows in input order, each reduced into its groups as it arrives and then kept without
 * its model input (a dataset's inputs would not fit in memory; the reduction has their sum). Safe
 * for the batch's threads: every method holds this object's lock.
 */
public final class AtlasRows extends AbstractList<AtlasRow> {
    private final List<AtlasRow> rows = new ArrayList<>();
    private final AtlasReduction reduction = new AtlasReduction();
    private final Outcomes outcomes;

    public AtlasRows(Outcomes outcomes) { this.outcomes = outcomes; }

    @Override
    public synchronized boolean add(AtlasRow r) {
        if (r.done()) {
            AtlasReduction.Sample sample = r.sample();
            // a map of another label than the prediction (an image with boxes of a label it was not predicted) is not the prediction's
            if (r.explained().equals(r.predicted())) reduction.add(new AtlasReduction.Key(AtlasReduction.By.PREDICTED, r.predicted(), r.layer(), r.method()), sample);
            for (String t : r.truth()) {
                reduction.add(new AtlasReduction.Key(AtlasReduction.By.TRUTH, outcomes.modelName(t), r.layer(), r.method()), sample);
            }
            if (!r.outcome().isEmpty()) reduction.add(new AtlasReduction.Key(AtlasReduction.By.OUTCOME, r.outcome(), r.layer(), r.method()), sample);
            r = new AtlasRow(r.image(), r.status(), r.predicted(), r.probability(), r.truth(), r.outcome(), r.explained(), r.localisation(), r.layer(), r.method(), r.width(),
                    r.height(), r.statistics(), r.maskWarning(), r.road(), r.randomRoad(), null, 0, 0, null, 0, 0);
        }
        return rows.add(r);
    }

    @Override
    public synchronized void add(int index, AtlasRow r) {
        if (index != rows.size()) throw new UnsupportedOperationException("rows are only added at the end");
        add(r);
    }

    @Override
    public synchronized boolean addAll(java.util.Collection<? extends AtlasRow> more) {
        for (AtlasRow r : more) add(r);
        return !more.isEmpty();
    }

    @Override
    public synchronized AtlasRow get(int i) { return rows.get(i); }

    @Override
    public synchronized int size() { return rows.size(); }

    public synchronized List<AtlasRow> copy() { return new ArrayList<>(rows); }

    public synchronized List<AtlasReduction.Summary> summaries() { return reduction.summaries(); }
}
