package dev.gradcamviewer.model;

import java.util.List;
import java.util.Map;

/**
 * The bundle's {@code gradcam/manifest.json}, written by {@code models/tools/export_model.py}.
 * Field names are the JSON's, in camel case.
 */
public record Manifest(
        String format,
        int formatVersion,
        ModelInfo model,
        String tree,
        InputSpec input,
        OutputSpec output,
        List<TapSpec> taps,
        String defaultLayer,
        List<Map<String, String>> notTapped,
        Map<String, String> versions) {

    public static final String FORMAT = "gradcam-viewer-bundle";
    public static final int SUPPORTED_VERSION = 1;

    public record ModelInfo(String name, String description, String architecture) { }

    /** Preprocessing: resize the shorter side, centre crop, normalise per channel. */
    public record InputSpec(List<Integer> shape, String colour, Integer resize, List<Integer> centerCrop,
                            String interpolation, List<Double> mean, List<Double> std) {
        public int channels() { return shape.get(1); }
        public int height() { return shape.get(2); }
        public int width() { return shape.get(3); }
    }

    /**
     * {@code activation}: what the model's output is: "sigmoid" (one probability, of the second
     * label), "softmax" (probabilities) or "logits" (raw scores).
     */
    public record OutputSpec(String activation, List<String> labels, boolean returnsLogits, String logitsModule,
                             Integer classes) { }

    public record TapSpec(String name, String type, List<Integer> shape, Geometry geometry) {
        public long[] shapeArray() { return shape.stream().mapToLong(Integer::longValue).toArray(); }
    }

    /** Where cell (0,0)'s centre lies in model-input pixels, and the step between cells, as [y, x]. */
    public record Geometry(List<Double> origin, List<Double> step, String source) { }
}
