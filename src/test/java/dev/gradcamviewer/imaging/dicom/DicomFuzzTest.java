package dev.gradcamviewer.imaging.dicom;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.ImageDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded mutator over the sample DICOMs, the DICOM fixtures and files made here in every
 * transfer syntax: byte flips, truncations, length fields, nesting, Image Pixel attributes (counts,
 * bit depths), transfer syntaxes, cut and repeated spans. For each mutant: no Error escapes, no
 * hang (a time bound per file), and either a clear message naming the file or an image whose planes
 * agree with its size. Then a batch with good images around some mutants keeps the good images'
 * results. {@code -Dfuzz.mutants=N} (default 20000) and {@code -Dfuzz.seed=S} run more or others; a
 * mutant that breaks a rule is kept under {@code target/fuzz-failures/}.
 */
class DicomFuzzTest {
    private static final int MUTANTS = Integer.getInteger("fuzz.mutants", 20000);
    private static final long SEED = Long.getLong("fuzz.seed", 27L);
    private static final long SECONDS_PER_FILE = 30;
    private static final int[] INTERESTING = {0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 31, 32, 33, 64, 127, 128, 255, 256, 0x7FFF, 0x8000, 0xFFFF};
    private static final String[] SYNTAXES = java.util.Arrays.stream(TransferSyntax.values()).map(t -> t.uid).toArray(String[]::new);

    @TempDir
    Path dir;

    static List<byte[]> corpus() throws IOException {
        List<byte[]> out = new ArrayList<>();
        Path fixtures = Fixtures.dir().resolve("dicom");
        if (Files.isDirectory(fixtures)) {
            try (var files = Files.list(fixtures)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList()) {
                    if (Files.size(p) <= 200_000) out.add(Files.readAllBytes(p));
                }
            }
        }
        byte[] px = new byte[32 * 32 * 2];
        new Random(1).nextBytes(px);
        byte[] plain = DicomBytes.image(32, 32, 16).text(0x00281050, "DS", "2000").text(0x00281051, "DS", "4000").nativePixels(px).bytes();
        out.add(DicomBytes.file(TransferSyntax.EXPLICIT_LE.uid, plain));
        out.add(DicomBytes.file(TransferSyntax.DEFLATED_LE.uid, DicomBytes.deflate(plain, 0)));
        out.add(DicomBytes.file(TransferSyntax.RLE.uid, DicomBytes.image(32, 32, 8)
                .fragments(DicomBytes.rle(DicomBytes.packedRun(32 * 32, 90))).bytes()));
        out.add(DicomBytes.file(TransferSyntax.EXPLICIT_LE.uid, DicomBytes.image(16, 16, 8).nested(30).nativePixels(new byte[256]).bytes()));
        return out;
    }

    @Test
    void mutantsGiveAClearMessageOrACorrectReadNeverAnErrorOrAHang() throws Exception {
        List<byte[]> corpus = corpus();
        assertTrue(corpus.size() >= 4, "a corpus to mutate");
        // the samples are large: a few mutants of each, the small files take the rest
        List<byte[]> samples = List.of(Files.readAllBytes(Fixtures.sample("phantom-11-pneumonia-dicom.dcm")),
                Files.readAllBytes(Fixtures.sample("phantom-12-normal-mono1.dcm")));
        Random random = new Random(SEED);
        ExecutorService worker = newWorker();
        int read = 0;
        int refused = 0;
        long started = System.nanoTime();
        try {
            for (int i = 0; i < MUTANTS; i++) {
                byte[] seed = i % 100 == 0 ? samples.get(i / 100 % 2) : corpus.get(random.nextInt(corpus.size()));
                Mutant m = mutate(seed, random);
                Path file = dir.resolve("mutant-" + i + ".dcm");
                Files.write(file, m.bytes());
                Future<DecodedImage> f = worker.submit(() -> ImageDecoder.decode(file));
                try {
                    DecodedImage img = f.get(SECONDS_PER_FILE, TimeUnit.SECONDS);
                    checkImage(img, file, m);
                    read++;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (!(c instanceof ImageDecodeException)) keep(file, m, "threw " + c);
                    else checkMessage(c.getMessage(), file, m);
                    refused++;
                } catch (TimeoutException e) {
                    keep(file, m, "no answer within " + SECONDS_PER_FILE + " s");
                    worker.shutdownNow(); // its thread may never come back: the next mutants get another
                    worker = newWorker();
                }
                Files.deleteIfExists(file);
            }
        } finally {
            worker.shutdownNow();
        }
        if (!broken.isEmpty()) fail(broken.size() + " mutants broke a rule:\n" + String.join("\n", broken));
        System.out.printf(Locale.ROOT, "DICOM fuzzing: %d mutants (seed %d) in %.1f s: %d read, %d refused with a message%n",
                MUTANTS, SEED, (System.nanoTime() - started) / 1e9, read, refused);
        assertTrue(refused > MUTANTS / 10 && read > MUTANTS / 10, "the mutants reach both outcomes: " + read + " read, " + refused + " refused");
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-decode");
            t.setDaemon(true);
            return t;
        });
    }

    private void checkImage(DecodedImage img, Path file, Mutant m) throws IOException {
        long pixels = (long) img.width() * img.height();
        if (img.width() < 1 || img.height() < 1) keep(file, m, "an image of " + img.width() + "x" + img.height());
        for (float[] plane : img.planes()) {
            if (plane.length != pixels) keep(file, m, "a plane of " + plane.length + " for " + img.width() + "x" + img.height());
            for (float v : plane) {
                if (!(v >= 0 && v <= 1)) {
                    keep(file, m, "a sample " + v + " outside [0, 1]");
                    break;
                }
            }
        }
    }

    private void checkMessage(String message, Path file, Mutant m) throws IOException {
        String name = file.getFileName().toString();
        boolean clear = message != null && message.startsWith(name) && message.length() > name.length() + 10
                && !message.contains("Exception") && !message.contains("null") && !message.matches("^\\S+: (DICOM: )?-?\\d+$")
                && !message.contains("Index ") && !message.contains("out of bounds");
        if (!clear) keep(file, m, "an unclear message: " + message);
    }

    private final List<String> broken = new ArrayList<>();

    /** Keeps a mutant that broke a rule for whoever reproduces it; the test fails at its end, naming them all. */
    private void keep(Path file, Mutant m, String what) throws IOException {
        Path kept = Path.of("target", "fuzz-failures");
        Files.createDirectories(kept);
        Path copy = kept.resolve(file.getFileName());
        Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        broken.add(m.how() + ": " + what + " (kept as " + copy + ")");
    }

    /** A mutated file and how it was made. */
    record Mutant(byte[] bytes, String how) { }

    static Mutant mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int kind = r.nextInt(9);
        switch (kind) {
            case 0 -> {
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return new Mutant(b, n + " bit flips");
            }
            case 1 -> {
                int at = r.nextInt(b.length);
                return new Mutant(java.util.Arrays.copyOf(b, at), "truncated at " + at);
            }
            case 2 -> {
                int at = lengthField(b, r);
                int v = switch (r.nextInt(5)) {
                    case 0 -> -1;
                    case 1 -> Integer.MAX_VALUE;
                    case 2 -> r.nextInt();
                    case 3 -> 0;
                    default -> b.length - at + r.nextInt(9) - 4;
                };
                put32(b, at, v);
                return new Mutant(b, "length at " + at + " set to " + v);
            }
            case 3 -> {
                int at = 132 + r.nextInt(Math.max(1, Math.min(b.length, 1200) - 132));
                at -= at % 2;
                byte[] nest = DicomBytes.dataset().nested(r.nextBoolean() ? 80 : 3000).bytes();
                return new Mutant(splice(b, at, 0, nest), "nesting inserted at " + at);
            }
            case 4 -> {
                int at = imagePixelValue(b, r);
                if (at < 0) return mutate(seed, r);
                int v = INTERESTING[r.nextInt(INTERESTING.length)];
                b[at] = (byte) v;
                b[at + 1] = (byte) (v >> 8);
                return new Mutant(b, "Image Pixel attribute value at " + at + " set to " + v);
            }
            case 5 -> {
                String to = SYNTAXES[r.nextInt(SYNTAXES.length)];
                return new Mutant(withSyntax(b, to), "transfer syntax set to " + to);
            }
            case 6 -> {
                int at = r.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + r.nextInt(512));
                return new Mutant(splice(b, at, n, new byte[0]), n + " bytes cut at " + at);
            }
            case 7 -> {
                int at = r.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + r.nextInt(512));
                return new Mutant(splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, at + n)), n + " bytes repeated at " + at);
            }
            default -> {
                int at = r.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + r.nextInt(64));
                for (int i = 0; i < n; i++) b[at + i] = (byte) r.nextInt(256);
                return new Mutant(b, n + " random bytes at " + at);
            }
        }
    }

    /** The offset of a length field: after a tag and VR that look like one, else anywhere. */
    private static int lengthField(byte[] b, Random r) {
        for (int tries = 0; tries < 200; tries++) {
            int at = r.nextInt(Math.max(1, b.length - 12));
            if (Character.isUpperCase(b[at + 4]) && Character.isUpperCase(b[at + 5])) return at + 8 <= b.length - 4 ? at + 8 : at;
        }
        return r.nextInt(Math.max(1, b.length - 4));
    }

    /** The value offset of a random US attribute of group 0028 (explicit VR), or -1. */
    private static int imagePixelValue(byte[] b, Random r) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i + 10 <= b.length; i++) {
            if (b[i] == 0x28 && b[i + 1] == 0 && b[i + 4] == 'U' && b[i + 5] == 'S') found.add(i + 8);
        }
        return found.isEmpty() ? -1 : found.get(r.nextInt(found.size()));
    }

    /** Replaces the transfer syntax UID in the meta information by {@code uid}, fixing the lengths. */
    private static byte[] withSyntax(byte[] b, String uid) {
        for (int i = 132; i + 8 < Math.min(b.length, 4096); i++) {
            if (b[i] == 0x02 && b[i + 1] == 0 && b[i + 2] == 0x10 && b[i + 3] == 0 && b[i + 4] == 'U' && b[i + 5] == 'I') {
                int len = (b[i + 6] & 0xff) | (b[i + 7] & 0xff) << 8;
                String even = uid.length() % 2 == 1 ? uid + "\0" : uid;
                byte[] value = even.getBytes(StandardCharsets.US_ASCII);
                byte[] out = splice(b, i + 8, Math.min(len, b.length - i - 8), value);
                out[i + 6] = (byte) value.length;
                out[i + 7] = (byte) (value.length >> 8);
                return out;
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static void put32(byte[] b, int at, int v) {
        for (int k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (byte) (v >> (8 * k));
    }

    /** Good images before and after mutants in one batch: their results are all there. */
    @Test
    void aBatchOfMutantsKeepsTheGoodImagesResults() throws Exception {
        List<byte[]> corpus = corpus();
        Random random = new Random(SEED + 1);
        List<String> args = new ArrayList<>(List.of("explain", "--out", dir.resolve("out").toString(), Fixtures.sample("phantom-01-pneumonia.png").toString()));
        for (int i = 0; i < 12; i++) {
            Path f = dir.resolve("m" + i + ".dcm");
            Files.write(f, mutate(corpus.get(random.nextInt(corpus.size())), random).bytes());
            args.add(f.toString());
        }
        args.add(Fixtures.sample("phantom-02-normal.png").toString());
        int code = dev.gradcamviewer.cli.GradcamCommand.execute(args.toArray(String[]::new));
        assertTrue(code == 0 || code == 1, "exit " + code);
        List<String> rows = Files.readAllLines(dir.resolve("out/summary.csv"));
        assertEquals(1 + 14, rows.size(), rows.toString());
        for (String stem : List.of("phantom-01-pneumonia", "phantom-02-normal")) {
            assertTrue(rows.stream().anyMatch(l -> l.contains(stem) && l.endsWith(",ok")), rows.toString());
            assertTrue(Files.size(dir.resolve("out").resolve(stem + ".resnet_blocks.4.gradcam.png")) > 1000);
        }
    }
}
