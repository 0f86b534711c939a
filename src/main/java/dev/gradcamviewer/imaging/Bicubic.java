package dev.gradcamviewer.imaging;

/** Keys' cubic convolution kernel with a = -0.5 (the one PIL and OpenCV use). */
final class Bicubic {
    static final double A = -0.5;

    private Bicubic() { }

    static double kernel(double x) {
        x = Math.abs(x);
        if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * A;
        return 0;
    }
}
