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
                            String interpolation, List<Double> mean, List<Double> std, DicomWindow dicomWindow) {
        public InputSpec(List<Integer> shape, String colour, Integer resize, List<Integer> centerCrop,
                         String interpolation, List<Double> mean, List<Double> std) {
            this(shape, colour, resize, centerCrop, interpolation, mean, std, null);
        }

        /** The rule for DICOM gray levels; the file's own window when the manifest does not say. */
        public DicomWindow dicomWindowRule() { return dicomWindow == null ? DicomWindow.FILE : dicomWindow; }

        public int channels() { return shape.get(1); }
        public int height() { return shape.get(2); }
        public int width() { return shape.get(3); }
    }

    /**
     * Which gray levels of a DICOM image the model was trained on: "file" (the file's first window,
     * else its first VOI LUT, else its full range), "full-range" (the image's lowest to highest value)
     * or "fixed" (this centre and width). MONOCHROME1 is inverted in every case.
     */
    public record DicomWindow(String rule, Double center, Double width) {
        public static final DicomWindow FILE = new DicomWindow("file", null, null);
    }

    /**
     * {@code activation}: what the model's output is: "sigmoid" (probabilities: of the second label
     * for one output, of each label for several), "softmax" (probabilities) or "logits" (raw
     * scores). {@code multiLabel}: each label has its own sigmoid (findings that can co-occur).
     */
    public record OutputSpec(String activation, List<String> labels, boolean returnsLogits, String logitsModule,
                             Integer classes, Boolean multiLabel) {
        public OutputSpec(String activation, List<String> labels, boolean returnsLogits, String logitsModule, Integer classes) {
            this(activation, labels, returnsLogits, logitsModule, classes, null);
        }

        /** One sigmoid per label: also a sigmoid over several outputs (exporters before 1.1 did not say). */
        public boolean isMultiLabel() {
            return Boolean.TRUE.equals(multiLabel) || ("sigmoid".equals(activation) && classes != null && classes > 1);
        }
    }

    /** {@code shape}: the map's shape, channels first, whatever the layer's own layout ({@code layout}). */
    public record TapSpec(String name, String type, List<Integer> shape, Layout layout, Geometry geometry) {
        public TapSpec(String name, String type, List<Integer> shape, Geometry geometry) {
            this(name, type, shape, null, geometry);
        }

        public long[] shapeArray() { return shape.stream().mapToLong(Integer::longValue).toArray(); }
    }

    /**
     * How the layer's own output holds the map: "channels_first" [B, C, H, W], "channels_last"
     * [B, H, W, C] (Swin, ConvNeXt), or "tokens" [B, classTokens + H*W, C] (ViT). The bundle hands
     * out every map channels first.
     */
    public record Layout(String kind, List<Integer> grid, Integer classTokens, List<Integer> outputShape) {
        public String describe() {
            if (kind == null || kind.equals("channels_first")) return "channels first";
            if (kind.equals("channels_last")) return "channels last " + outputShape;
            int k = classTokens == null ? 0 : classTokens;
            return "tokens " + outputShape + " = " + (k > 0 ? k + " class token" + (k > 1 ? "s" : "") + " + " : "")
                    + "a " + grid.get(0) + "x" + grid.get(1) + " grid";
        }
    }

    /** Where cell (0,0)'s centre lies in model-input pixels, and the step between cells, as [y, x]. */
    public record Geometry(List<Double> origin, List<Double> step, String source) { }
}
