package dev.gradcamviewer.imaging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files in C order: float32 written for {@code --raw} maps; float32 and float64
 * read (tests compare against float64 references). Written by hand: the format is a 10-byte preamble and a Python-dict header, and no
 * maintained Java library for it is on Maven Central's short list we allow.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|]?)f([48])'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public record Array(int[] shape, float[] data) {
        public int size(int axis) { return shape[axis]; }
    }

    /** An array read at its stored precision (float32 values are widened exactly). */
    public record DoubleArray(int[] shape, double[] data) {
        public int size(int axis) { return shape[axis]; }
    }

    private Npy() { }

    /** Reads a float32 or float64 array as float32. */
    public static Array read(Path file) throws IOException {
        DoubleArray d = readDoubles(file);
        float[] out = new float[d.data().length];
        for (int i = 0; i < out.length; i++) out[i] = (float) d.data()[i];
        return new Array(d.shape(), out);
    }

    /** Reads a float32 or float64 array without losing precision. */
    public static DoubleArray readDoubles(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) throw new IOException(file + " is not a .npy file");
        int major = bytes[6];
        int headerLen;
        int offset;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            offset = 10;
        } else {
            headerLen = bb.getInt(8);
            offset = 12;
        }
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        if (!d.find()) throw new IOException(file + ": only float32 and float64 arrays are read (" + header.trim() + ")");
        if (header.contains("'fortran_order': True")) throw new IOException(file + ": Fortran order is not read");
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) throw new IOException(file + ": no shape in header");
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int width = d.group(2).equals("8") ? 8 : 4;
        ByteOrder order = ">".equals(d.group(1)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (bytes.length < offset + headerLen + (long) n * width) throw new IOException(file + " is shorter than its header says");
        ByteBuffer data = ByteBuffer.wrap(bytes, offset + headerLen, n * width).order(order);
        double[] out = new double[n];
        if (width == 8) {
            data.asDoubleBuffer().get(out);
        } else {
            for (int i = 0; i < n; i++) out[i] = data.getFloat(offset + headerLen + 4 * i);
        }
        return new DoubleArray(shape, out);
    }

    /** Writes {@code data} with the given shape to {@code out}. */
    public static void write(OutputStream out, int[] shape, float[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) dims.append(d).append(", ");
        String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        out.write(body.array());
    }
}
