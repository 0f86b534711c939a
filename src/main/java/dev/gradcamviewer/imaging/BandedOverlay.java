package dev.gradcamviewer.imaging;

import javax.imageio.ImageReadParam;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The overlay of an image too large to hold, written as PNG at the file's own resolution a band of
 * rows at a time: each band is read from the file again (ImageIO's source region), blended with its
 * rows of the placed map, and handed to the PNG encoder, which asks for one row after another. Memory
 * is one band (about 40 megapixels), whatever the image's size. The arithmetic is
 * {@link OverlayComposer}'s, so a small image gives the same pixels either way.
 */
public final class BandedOverlay implements PngEncoder.Rows {
    private static final long BAND_PIXELS = 40_000_000L;

    private final Path source;
    private final int width;
    private final int height;
    private final HeatmapPlacer.Rows heat;
    private final HeatColorizer colours;
    private final int alpha;
    private final int bandRows;
    private int bandStart = -1;
    private int[] band;

    private BandedOverlay(Path source, int width, int height, HeatmapPlacer.Rows heat, HeatColorizer colours, double alpha, long bandPixels) {
        this.source = source;
        this.width = width;
        this.height = height;
        this.heat = heat;
        this.colours = colours;
        this.alpha = OverlayComposer.opacity(alpha);
        this.bandRows = (int) Math.max(1, Math.min(height, bandPixels / width));
    }

    /** Writes the overlay of {@code source} (width x height, as stored) with {@code heat} placed in the file's pixels. */
    public static void writePng(Path source, int width, int height, HeatmapPlacer.Rows heat, HeatColorizer colours, double alpha,
                                OutputStream out, PngEncoder.Compression compression) throws IOException {
        writePng(source, width, height, heat, colours, alpha, out, compression, BAND_PIXELS);
    }

    static void writePng(Path source, int width, int height, HeatmapPlacer.Rows heat, HeatColorizer colours, double alpha,
                         OutputStream out, PngEncoder.Compression compression, long bandPixels) throws IOException {
        PngEncoder.write(new BandedOverlay(source, width, height, heat, colours, alpha, bandPixels), out, compression);
    }

    private void load(int row) {
        int start = row / bandRows * bandRows;
        if (start == bandStart) return;
        int rows = Math.min(bandRows, height - start);
        BufferedImage img;
        try {
            img = ImageDecoder.withReader(source, reader -> {
                ImageReadParam p = reader.getDefaultReadParam();
                p.setSourceRegion(new Rectangle(0, start, width, rows));
                return reader.read(0, p);
            });
        } catch (IOException | ImageDecodeException e) {
            throw new java.io.UncheckedIOException("cannot read " + source.getFileName() + " again for its overlay: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        int[] pixels = OverlayComposer.displayPixels(ImageDecoder.fromBuffered(img));
        float[] values = new float[heat.width()];
        for (int y = start; y < start + rows; y++) OverlayRows.blendHeat(heat, y, values, colours, alpha, pixels, (y - start) * width, width);
        band = pixels;
        bandStart = start;
    }

    @Override public int width() { return width; }

    @Override public int height() { return height; }

    @Override
    public void row(int y, int[] rgb) {
        load(y);
        System.arraycopy(band, (y - bandStart) * width, rgb, 0, width);
    }
}
