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
 */
public final class DecodeAhead {
    private final Path file;
    private final CompletableFuture<DecodedImage> image;

    private DecodeAhead(Path file) {
        this.file = file;
        this.image = CompletableFuture.supplyAsync(() -> {
            try {
                return ImageDecoder.decode(file);
            } catch (ImageDecodeException e) {
                throw new CompletionException(e);
            }
        });
    }

    public static DecodeAhead start(Path file) { return new DecodeAhead(file); }

    public Path file() { return file; }

    /** The decoded image, waiting for it if need be; the decoder's own exception if it failed. */
    public DecodedImage image() throws ImageDecodeException {
        try {
            return image.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ImageDecodeException d) throw d;
            throw e;
        }
    }
}
