package dev.gradcamviewer.imaging;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The orientation tag (EXIF in a JPEG's APP1 segment, or a TIFF's own tag 274), read with
 * TwelveMonkeys' metadata readers, and the turn or mirror it asks for. Values 1-8 as in TIFF 6.0:
 * 1 upright, 3 upside down, 6 to be turned 90 degrees clockwise, 8 counter-clockwise, 2/4/5/7 mirrored.
 */
final class Orientation {
    private Orientation() { }

    /** The file's orientation, 1 when it has none or it cannot be read (the image is then shown as stored). */
    static int read(Path file) {
        try (ImageInputStream in = ImageDecoder.open(file)) {
            if (in == null) return 1;
            byte[] head = new byte[4];
            in.readFully(head);
            in.seek(0);
            Directory ifd;
            if ((head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8) {
                List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
                if (exif.isEmpty()) return 1;
                InputStream data = exif.get(0).data();
                if (data.read() < 0) return 1; // the pad byte after "Exif\0"
                ifd = new TIFFReader().read(ImageIO.createImageInputStream(data));
            } else if ((head[0] == 'I' && head[1] == 'I') || (head[0] == 'M' && head[1] == 'M')) {
                ifd = new TIFFReader().read(in);
            } else {
                return 1;
            }
            Entry e = ifd.getEntryById(TIFF.TAG_ORIENTATION);
            if (e == null || !(e.getValue() instanceof Number n)) return 1;
            int v = n.intValue();
            return v >= 1 && v <= 8 ? v : 1;
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    static String describe(int orientation) {
        String how = switch (orientation) {
            case 2 -> "mirrored left to right";
            case 3 -> "turned 180 degrees";
            case 4 -> "mirrored top to bottom";
            case 5 -> "mirrored along its diagonal";
            case 6 -> "turned 90 degrees clockwise";
            case 7 -> "mirrored along its other diagonal";
            case 8 -> "turned 90 degrees counter-clockwise";
            default -> "as stored";
        };
        return "shown " + how + ", as its orientation tag (" + orientation + ") says";
    }

    /** The image as it should be seen. */
    static DecodedImage apply(DecodedImage img, int orientation) {
        if (orientation <= 1 || orientation > 8) return img;
        int w = img.width();
        int h = img.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        float[][] in = img.planes();
        if (img.levels() != null) {
            in = java.util.Arrays.copyOf(in, in.length + 1);
            in[in.length - 1] = img.levels().values();
        }
        float[][] out = new float[in.length][ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                int src = sy * w + sx;
                int dst = y * ow + x;
                for (int c = 0; c < out.length; c++) out[c][dst] = in[c][src];
            }
        }
        if (img.levels() == null) return new DecodedImage(ow, oh, out, img.bitDepth());
        return new DecodedImage(ow, oh, java.util.Arrays.copyOf(out, img.channels()), img.bitDepth())
                .withLevels(img.levels().withValues(out[out.length - 1]), img.dicom());
    }
}
