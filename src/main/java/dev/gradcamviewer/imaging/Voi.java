package dev.gradcamviewer.imaging;

import java.util.Locale;

/**
 * A value-of-interest transform: modality values to display values in [0, 1], as DICOM's VOI LUT
 * stage (PS3.3 C.11.2): a window (linear, linear exact or sigmoid), a lookup table, or the image's
 * own full range. {@code label} is what a user picks it by.
 */
public sealed interface Voi {
    float apply(float x);

    String label();

    /** A window of centre c and width w, with DICOM's function of that name. */
    record Window(double center, double width, Function function, String label) implements Voi {
        public enum Function { LINEAR, LINEAR_EXACT, SIGMOID }

        public Window {
            if (!(width > 0)) throw new IllegalArgumentException("a window's width must be positive: " + width);
        }

        public static Window linear(double center, double width, String label) {
            return new Window(center, width, Function.LINEAR, label);
        }

        @Override
        public float apply(float x) {
            switch (function) {
                case LINEAR_EXACT: {
                    double lo = center - width / 2;
                    if (x <= lo) return 0f;
                    if (x > center + width / 2) return 1f;
                    return (float) ((x - center) / width + 0.5);
                }
                case SIGMOID:
                    return (float) (1 / (1 + Math.exp(-4 * (x - center) / width)));
                default: {
                    double c = center - 0.5;
                    double w = Math.max(width - 1, 1e-6);
                    if (x <= c - w / 2) return 0f;
                    if (x > c + w / 2) return 1f;
                    return (float) ((x - c) / w + 0.5);
                }
            }
        }

        /** "C 40 W 400". */
        public String values() {
            return String.format(Locale.ROOT, "C %s W %s", plain(center), plain(width));
        }

        private static String plain(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
        }
    }

    /** A lookup table: entry i is for value first + i; values outside take the end entries. */
    record Table(int first, int[] entries, int bits, String label) implements Voi {
        @Override
        public float apply(float x) {
            long i = Math.round(x) - (long) first;
            int k = (int) Math.max(0, Math.min(entries.length - 1, i));
            return entries[k] / (float) ((1 << bits) - 1);
        }
    }

    /** The image's own range, min to max, linearly. */
    record Range(float min, float max, String label) implements Voi {
        @Override
        public float apply(float x) {
            if (max <= min) return 0f;
            return Math.max(0f, Math.min(1f, (x - min) / (max - min)));
        }
    }
}
