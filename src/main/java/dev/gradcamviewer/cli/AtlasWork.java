package dev.gradcamviewer.cli;

import dev.gradcamviewer.app.AtlasMaps;
import dev.gradcamviewer.app.ExplainedImage;
import dev.gradcamviewer.atlas.AtlasRow;

import java.nio.file.Path;
import java.util.List;

/** atlas's work in the command line's batch: {@link AtlasMaps}, with the model's work under the runner's time limit. */
final class AtlasWork implements ImageWork<AtlasRow> {
    private final AtlasMaps maps;

    AtlasWork(AtlasMaps maps) { this.maps = maps; }

    int targetOf(Path file) { return maps.targetOf(file); }

    @Override
    public void maps(ExplainedImage ex) throws Exception { maps.maps(ex); }

    @Override
    public List<AtlasRow> results(Path file, ExplainedImage ex, long start, Runnable failure) {
        return maps.results(file, ex, start, failure);
    }

    @Override
    public AtlasRow noOutput(Path file, long milliseconds, String status) { return maps.noOutput(file, milliseconds, status); }
}
