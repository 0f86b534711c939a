package dev.gradcamviewer.model;

/** One convolution whose input gradient the self-check computes in float32 and float64. */
public record ConvCase(String label, int batch, int inChannels, int outChannels, int size, int kernel, int padding) {
    /** Shapes known to make libtorch 2.7.1's oneDNN path return wrong input gradients on AVX-512 CPUs. */
    public static final java.util.List<ConvCase> KNOWN_BAD = java.util.List.of(
            new ConvCase("256->1, 8x8 kernel on an 8x8 map (the demo model's last convolution)", 1, 256, 1, 8, 8, 0),
            new ConvCase("16->10, 5x5 kernel, batch 2, 32x32", 2, 16, 10, 32, 5, 2),
            new ConvCase("3->24, 7x7 kernel on a 64x64 input", 1, 3, 24, 64, 7, 3));
}
