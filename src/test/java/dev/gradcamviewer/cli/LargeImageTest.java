package dev.gradcamviewer.cli;

import dev.gradcamviewer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Very large scans in a batch, in a JVM held to 1 GB of heap (less than the default on any machine
 * that runs the viewer): a 20000x20000 PNG is explained (read at a fraction of its size for the
 * model, which the summary says, and its overlay written at full resolution a band at a time), a
 * 46000x46000 one is refused with its size named, and the batch goes on.
 */
class LargeImageTest {
    /** A grayscale PNG written row by row (a bright disc on dark), never held in memory whole. */
    static void writePng(Path file, int w, int h, boolean blank) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(raw)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            java.io.ByteArrayOutputStream ihdr = new java.io.ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(w);
            d.writeInt(h);
            d.write(new byte[] {8, 0, 0, 0, 0});
            chunk(out, "IHDR", ihdr.toByteArray());
            java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
            byte[] row = new byte[w + 1];
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(1), 1 << 16)) {
                for (int y = 0; y < h; y++) {
                    if (!blank) {
                        for (int x = 0; x < w; x++) {
                            double dx = (x - w / 2.0) / w;
                            double dy = (y - h / 2.0) / h;
                            row[x + 1] = (byte) (dx * dx + dy * dy < 0.1 ? 180 : 40);
                        }
                    }
                    z.write(row);
                    if (idat.size() > (1 << 20)) {
                        chunk(out, "IDAT", idat.toByteArray());
                        idat.reset();
                    }
                }
            }
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    @Test
    void hugeScansAreExplainedOrRefusedAndTheBatchGoesOn(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        writePng(in.resolve("a-20000.png"), 20000, 20000, false);
        writePng(in.resolve("b-46000.png"), 46000, 46000, true);
        Files.copy(Fixtures.sample("phantom-01-pneumonia.png"), in.resolve("c-normal-size.png"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dgradcam.cache=" + System.getProperty("gradcam.cache", "target/test-cache"), "-cp", System.getProperty("java.class.path"), "dev.gradcamviewer.Main", "explain", "--out", dir.resolve("out").toString(), in.toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        int code = HungModelTest.finish(p, 300);
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(1, code, err);
        assertTrue(err.contains("b-46000.png is 46000x46000 pixels (2,116 megapixels): more than this program reads (1,000 megapixels)"), err);
        assertTrue(!err.contains("OutOfMemoryError") && !err.contains("\tat "), err);
        List<String> rows = Files.readAllLines(dir.resolve("out/summary.csv"));
        assertEquals(4, rows.size(), rows.toString());
        String big = rows.stream().filter(r -> r.contains("a-20000.png")).findFirst().orElseThrow();
        assertTrue(big.contains(",\"ok; read at 1/3 of its 20000x20000 pixels in each direction (6667x6667)"), big);
        // the overlay is at the file's own resolution, made a band at a time; look at a patch of it
        try (javax.imageio.stream.ImageInputStream iis = javax.imageio.ImageIO.createImageInputStream(dir.resolve("out/a-20000.resnet_blocks.4.gradcam.png").toFile())) {
            javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReaders(iis).next();
            reader.setInput(iis);
            assertEquals(20000, reader.getWidth(0));
            assertEquals(20000, reader.getHeight(0));
            javax.imageio.ImageReadParam region = reader.getDefaultReadParam();
            region.setSourceRegion(new java.awt.Rectangle(9990, 9990, 20, 20));
            java.awt.image.BufferedImage patch = reader.read(0, region);
            int rgb = patch.getRGB(10, 10);
            int r = (rgb >> 16) & 0xff;
            int b = rgb & 0xff;
            assertTrue(r != b, "the centre of the disc carries heat colour: " + Integer.toHexString(rgb));
            reader.dispose();
        }
        assertTrue(rows.stream().anyMatch(r -> r.contains("c-normal-size.png") && r.endsWith(",ok")), rows.toString());
    }
}
