package dev.gradcamviewer.atlas;

/**
 * One image's map of one layer and method in an atlas: where the image came from and what the model
 * said (and the image's true labels and the prediction's outcome, when labels were given: else
 * empty), the label the map explains (the predicted one, or the label of the image's ground-truth
 * boxes) and, when the image has such a region, how well the map finds it; the map's statistics (null when the image has no map: {@code status} says why), the
 * ROAD combined scores of the map and of the random map when asked for (else NaN), the
 * low-resolution map ({@code cells}, {@code rows} x {@code cols}) and the model input's first channel
 * ({@code input}, {@code inputRows} x {@code inputCols}) for the mean maps. The unit that one machine
 * keeps and the archive job writes.
 */
public record AtlasRow(String image, String status, String predicted, double probability, java.util.Set<String> truth, String outcome,
                       String explained, Localisation localisation, String layer, String method,
                       int width, int height, MapStatistics statistics, String maskWarning, double road, double randomRoad,
                       float[] cells, int rows, int cols, float[] input, int inputRows, int inputCols) {
    public static AtlasRow without(String image, String layer, String method, String status) {
        return new AtlasRow(image, status, "", Double.NaN, java.util.Set.of(), "", "", null, layer, method, 0, 0, null, null, Double.NaN, Double.NaN, null, 0, 0, null, 0, 0);
    }

    public boolean done() { return statistics != null; }

    public AtlasReduction.Sample sample() {
        return new AtlasReduction.Sample(statistics, width, height, cells, rows, cols, input, inputRows, inputCols, road, randomRoad);
    }
}
