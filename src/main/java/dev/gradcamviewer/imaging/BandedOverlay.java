package dev.gradcamviewer.imaging;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Vector;

/**
 * The overlay of an image too large to hold, written as PNG at the file's own resolution a band of
 * rows at a time: each band is read from the file again (ImageIO's source region), blended with its
 * rows of the placed map, and handed to the PNG writer, which asks for one row after another. Memory
 * is one band (about 40 megapixels), whatever the image's size. The arithmetic is
 * {@link OverlayComposer}'s, so a small image gives the same pixels either way.
 */
public final class BandedOverlay implements RenderedImage {
    private static final long BAND_PIXELS = 40_000_000L;
    private static final ColorModel RGB = new DirectColorModel(24, 0xff0000, 0xff00, 0xff);

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
        this.alpha = (int) Math.round(Math.max(0, Math.min(1, alpha)) * 256);
        this.bandRows = (int) Math.max(1, Math.min(height, bandPixels / width));
    }

    /** Writes the overlay of {@code source} (width x height, as stored) with {@code heat} placed in the file's pixels. */
    public static void writePng(Path source, int width, int height, HeatmapPlacer.Rows heat, HeatColorizer colours, double alpha,
                                OutputStream out) throws IOException {
        writePng(source, width, height, heat, colours, alpha, out, BAND_PIXELS);
    }

    static void writePng(Path source, int width, int height, HeatmapPlacer.Rows heat, HeatColorizer colours, double alpha,
                         OutputStream out, long bandPixels) throws IOException {
        BandedOverlay image = new BandedOverlay(source, width, height, heat, colours, alpha, bandPixels);
        if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer");
    }

    private void load(int row) {
        int start = row / bandRows * bandRows;
        if (start == bandStart) return;
        int rows = Math.min(bandRows, height - start);
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageReadParam p = reader.getDefaultReadParam();
                p.setSourceRegion(new Rectangle(0, start, width, rows));
                img = reader.read(0, p);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + source.getFileName() + " again for its overlay: " + e.getMessage(), e);
        }
        int[] pixels = OverlayComposer.displayPixels(ImageDecoder.fromBuffered(img));
        float[] values = new float[heat.width()];
        for (int y = Math.max(start, heat.y()); y < Math.min(start + rows, heat.y() + heat.height()); y++) {
            heat.row(y - heat.y(), values);
            int o = (y - start) * width;
            for (int x = Math.max(0, heat.x()); x < Math.min(width, heat.x() + heat.width()); x++) {
                pixels[o + x] = OverlayComposer.blend(pixels[o + x], colours.argb(values[x - heat.x()]), alpha);
            }
        }
        band = pixels;
        bandStart = start;
    }

    @Override
    public Raster getData(Rectangle rect) {
        WritableRaster r = RGB.createCompatibleWritableRaster(rect.width, rect.height).createWritableTranslatedChild(rect.x, rect.y);
        int[] row = new int[rect.width];
        for (int y = rect.y; y < rect.y + rect.height; y++) {
            load(y);
            System.arraycopy(band, (y - bandStart) * width + rect.x, row, 0, rect.width);
            r.setDataElements(rect.x, y, rect.width, 1, row);
        }
        return r;
    }

    @Override public Raster getData() { return getData(new Rectangle(0, 0, width, height)); }

    @Override public WritableRaster copyData(WritableRaster raster) {
        Rectangle b = raster == null ? new Rectangle(0, 0, width, height) : raster.getBounds();
        Raster r = getData(b);
        if (raster == null) return (WritableRaster) r;
        raster.setRect(r);
        return raster;
    }

    /** Never a whole tile: that would be the whole image. The PNG writer asks for rows through {@link #getData(Rectangle)}. */
    @Override public Raster getTile(int tileX, int tileY) { throw new UnsupportedOperationException("read rows with getData(Rectangle)"); }

    @Override public Vector<RenderedImage> getSources() { return null; }

    @Override public Object getProperty(String name) { return java.awt.Image.UndefinedProperty; }

    @Override public String[] getPropertyNames() { return null; }

    @Override public ColorModel getColorModel() { return RGB; }

    @Override public SampleModel getSampleModel() {
        return new SinglePixelPackedSampleModel(DataBuffer.TYPE_INT, width, 1, new int[] {0xff0000, 0xff00, 0xff});
    }

    @Override public int getWidth() { return width; }

    @Override public int getHeight() { return height; }

    @Override public int getMinX() { return 0; }

    @Override public int getMinY() { return 0; }

    @Override public int getNumXTiles() { return 1; }

    @Override public int getNumYTiles() { return 1; }

    @Override public int getMinTileX() { return 0; }

    @Override public int getMinTileY() { return 0; }

    @Override public int getTileWidth() { return width; }

    @Override public int getTileHeight() { return height; }

    @Override public int getTileGridXOffset() { return 0; }

    @Override public int getTileGridYOffset() { return 0; }

}
