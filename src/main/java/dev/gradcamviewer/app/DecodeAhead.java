package dev.gradcamviewer.app;

import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.ImageDecoder;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An image decoded on another thread while the model loads (which also loads the image readers'
 * classes off the critical path); a file that cannot be read fails only when its image is asked for.
 * With a pixel limit, an image whose header says it is larger (or cannot say) is left to be decoded
 * in its turn: that look at the header is made on the other thread too (the first costs a quarter of
 * a second of loading the image readers, which the model's load would otherwise wait for).
 */
public final class DecodeAhead {
    private final CompletableFuture<DecodedImage> image;

    private DecodeAhead(Path file, long maxPixels) {
        this.image = CompletableFuture.supplyAsync(() -> {
            try {
                if (maxPixels >= 0) {
                    long n = ImageDecoder.pixelCount(file);
                    if (n < 0 || n > maxPixels) return null;
                }
                return ImageDecoder.decode(file);
            } catch (ImageDecodeException e) {
                throw new CompletionException(e);
            }
        });
    }

    public static DecodeAhead start(Path file) { return new DecodeAhead(file, -1); }

    /** The same for an image of at most {@code maxPixels}; {@link #image} is then null for a larger one. */
    public static DecodeAhead startUpTo(Path file, long maxPixels) { return new DecodeAhead(file, maxPixels); }

    /** The decoded image, waiting for it if need be (null if over the limit); the decoder's own exception if it failed. */
    public DecodedImage image() throws ImageDecodeException {
        try {
            return image.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ImageDecodeException d) throw d;
            throw e;
        }
    }
}
