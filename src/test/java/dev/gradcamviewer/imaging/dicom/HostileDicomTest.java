package dev.gradcamviewer.imaging.dicom;

import dev.gradcamviewer.Fixtures;
import dev.gradcamviewer.imaging.DecodedImage;
import dev.gradcamviewer.imaging.ImageDecodeException;
import dev.gradcamviewer.imaging.ImageDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files made to break the reader (issue 27): each is refused with a message that names the file and
 * what is wrong, or read with the damage said in its warnings; never a stack overflow, an
 * exhausted memory, a hang or a silent blank.
 */
class HostileDicomTest {
    private static final String EXPLICIT = TransferSyntax.EXPLICIT_LE.uid;
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private String refused(Path file, String... expected) {
        ImageDecodeException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(file)));
        String m = e.getMessage();
        assertTrue(m.startsWith(file.getFileName().toString()), "names the file: " + m);
        for (String x : expected) assertTrue(m.contains(x), "'" + x + "' in: " + m);
        assertFalse(m.contains("Exception") || m.contains("null") || m.matches(".*: -?\\d+$"), "says what is wrong: " + m);
        return m;
    }

    private static byte[] gray16(int rows, int columns) {
        byte[] px = new byte[rows * columns * 2];
        for (int i = 0; i < px.length; i += 2) px[i] = (byte) (i / 2);
        return px;
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 2000, 100_000})
    void deepNestingIsRefusedNotAStackOverflow(int depth) throws Exception {
        Path f = write("nested.dcm", DicomBytes.file(EXPLICIT, DicomBytes.image(8, 8, 16).nested(depth).nativePixels(gray16(8, 8)).bytes()));
        refused(f, "nested more than 64 deep");
    }

    @Test
    void nestingAsRealFilesHaveItIsRead() throws Exception {
        Path f = write("nested.dcm", DicomBytes.file(EXPLICIT, DicomBytes.image(8, 8, 16).nested(20).nativePixels(gray16(8, 8)).bytes()));
        DecodedImage img = ImageDecoder.decode(f);
        assertEquals(8, img.width());
    }

    @Test
    void aDeflateBombAfterTheImageIsNeverInflated() throws Exception {
        byte[] ds = DicomBytes.image(64, 64, 16).nativePixels(gray16(64, 64)).bytes();
        byte[] deflated = DicomBytes.deflate(ds, 1L << 30); // 1 GB of zeros after the data set: about 1 MB on disk
        Path f = write("bomb.dcm", DicomBytes.file(TransferSyntax.DEFLATED_LE.uid, deflated));
        assertTrue(Files.size(f) < 2_000_000, "a bomb: " + Files.size(f));
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        DecodedImage img = ImageDecoder.decode(f);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(64, img.width());
        assertEquals(64, img.height());
        assertTrue(allocated < 64L << 20, "inflated only what the image needs: " + allocated + " bytes allocated");
    }

    @Test
    void aDeflateBombBeforeThePixelDataIsRefusedNamingTheLimit() throws Exception {
        byte[] ds = DicomBytes.image(64, 64, 16).claimed(0x00091010, "OB", 0xFFFFFFF0L, new byte[0]).bytes();
        Path f = write("bomb.dcm", DicomBytes.file(TransferSyntax.DEFLATED_LE.uid, DicomBytes.deflate(ds, 1L << 30)));
        refused(f, "more than 64 MB of attributes before any pixel data");
    }

    @Test
    void aDeflatedFileIsReadWhole() throws Exception {
        byte[] px = gray16(64, 64);
        byte[] ds = DicomBytes.image(64, 64, 16).nativePixels(px).bytes();
        Path f = write("deflated.dcm", DicomBytes.file(TransferSyntax.DEFLATED_LE.uid, DicomBytes.deflate(ds, 0)));
        DecodedImage img = ImageDecoder.decode(f);
        assertEquals(64 * 64, img.planes()[0].length);
        assertTrue(img.warnings().isEmpty(), img.warnings().toString());
    }

    @Test
    void aTruncatedRleSampleIsFlaggedAsTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.sample("phantom-11-pneumonia-dicom.dcm"));
        Path f = write("cut.dcm", Arrays.copyOf(whole, 1_453_067));
        try {
            DecodedImage img = ImageDecoder.decode(f);
            assertTrue(img.truncated(), "flagged: " + img.warnings());
        } catch (ImageDecodeException e) {
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void rleSegmentsOfNoOpBytesAreNotSilentZeros() throws Exception {
        byte[] noop = new byte[4096];
        Arrays.fill(noop, (byte) -128);
        byte[] ds = DicomBytes.image(64, 64, 8).fragments(DicomBytes.rle(noop)).bytes();
        DecodedImage img = ImageDecoder.decode(write("noop.dcm", DicomBytes.file(TransferSyntax.RLE.uid, ds)));
        assertTrue(img.truncated(), img.warnings().toString());
    }

    @Test
    void anRleImageReadsWhole() throws Exception {
        byte[] ds = DicomBytes.image(64, 64, 8).fragments(DicomBytes.rle(DicomBytes.packedRun(64 * 64, 200))).bytes();
        DecodedImage img = ImageDecoder.decode(write("rle.dcm", DicomBytes.file(TransferSyntax.RLE.uid, ds)));
        assertFalse(img.truncated(), img.warnings().toString());
        assertEquals(64 * 64, img.planes()[0].length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7, 12, 64})
    void rleOfBitDepthsNotReadIsRefusedByName(int bits) throws Exception {
        byte[] ds = DicomBytes.dataset().us(0x00280002, 1).text(0x00280004, "CS", "MONOCHROME2").us(0x00280010, 64).us(0x00280011, 64)
                .us(0x00280100, bits).us(0x00280101, Math.min(bits, 16)).us(0x00280102, Math.min(bits, 16) - 1)
                .fragments(DicomBytes.rle(DicomBytes.packedRun(64 * 64, 1))).bytes();
        String m = refused(write("bits.dcm", DicomBytes.file(TransferSyntax.RLE.uid, ds)));
        assertTrue(m.contains("Bits Allocated") || m.contains("Bits Stored"), m);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 4})
    void samplesPerPixelOtherThanOneOrThreeAreRefusedByName(int samples) throws Exception {
        byte[] ds = DicomBytes.dataset().us(0x00280002, samples).us(0x00280010, 8).us(0x00280011, 8).us(0x00280100, 8)
                .us(0x00280101, 8).us(0x00280102, 7).nativePixels(new byte[8 * 8 * Math.max(samples, 1)]).bytes();
        refused(write("samples.dcm", DicomBytes.file(EXPLICIT, ds)), "Samples per Pixel (0028,0002) is " + samples);
    }

    @Test
    void photometricThatDisagreesWithSamplesIsRefused() throws Exception {
        byte[] ds = DicomBytes.dataset().us(0x00280002, 1).text(0x00280004, "CS", "RGB").us(0x00280010, 8).us(0x00280011, 8)
                .us(0x00280100, 8).us(0x00280101, 8).us(0x00280102, 7).nativePixels(new byte[64]).bytes();
        refused(write("rgb1.dcm", DicomBytes.file(EXPLICIT, ds)), "Photometric Interpretation", "does not agree");
    }

    @Test
    void highBitOutsideTheAllocatedBitsIsRefused() throws Exception {
        byte[] ds = DicomBytes.dataset().us(0x00280010, 8).us(0x00280011, 8).us(0x00280100, 16).us(0x00280101, 12).us(0x00280102, 20)
                .nativePixels(gray16(8, 8)).bytes();
        refused(write("high.dcm", DicomBytes.file(EXPLICIT, ds)), "High Bit (0028,0102) 20");
    }

    @Test
    void aJpegHeaderClaimingAHugeImageWithLittleDataIsRefusedBeforeDecoding() throws Exception {
        byte[] data = new byte[80_000];
        new java.util.Random(1).nextBytes(data);
        byte[] ds = DicomBytes.image(20000, 20000, 16).fragments(data).bytes();
        refused(write("jpegls.dcm", DicomBytes.file(TransferSyntax.JPEG_LOSSLESS_SV1.uid, ds)), "20000x20000", "need at least");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "1e309", "0", "-Infinity"})
    void anUnusableRescaleSlopeIsRefusedNotABlankImage(String slope) throws Exception {
        byte[] ds = DicomBytes.image(8, 8, 16).text(0x00281053, "DS", slope).nativePixels(gray16(8, 8)).bytes();
        refused(write("slope.dcm", DicomBytes.file(EXPLICIT, ds)), "Rescale Slope (0028,1053)");
    }

    @Test
    void aBlankImageSaysSo() throws Exception {
        byte[] ds = DicomBytes.image(8, 8, 16).nativePixels(new byte[128]).bytes();
        DecodedImage img = ImageDecoder.decode(write("blank.dcm", DicomBytes.file(EXPLICIT, ds)));
        assertTrue(img.warnings().stream().anyMatch(w -> w.contains("blank")), img.warnings().toString());
    }

    @Test
    void nativePixelsUnderACompressedSyntaxAreNamedAsSuch() throws Exception {
        byte[] ds = DicomBytes.image(8, 8, 16).nativePixels(gray16(8, 8)).bytes();
        refused(write("native.dcm", DicomBytes.file(TransferSyntax.JPEG_LOSSLESS.uid, ds)), "native", "compressed");
        byte[] enc = DicomBytes.image(8, 8, 16).fragments(new byte[10]).bytes();
        refused(write("enc.dcm", DicomBytes.file(EXPLICIT, enc)), "encapsulated", "native");
    }

    @Test
    void hugeOrMismatchedSizesAreRefusedBeforeAllocating() throws Exception {
        refused(write("huge.dcm", DicomBytes.file(EXPLICIT, DicomBytes.image(65535, 65535, 16).nativePixels(new byte[64]).bytes())),
                "65535x65535", "more than this program reads");
        refused(write("wide.dcm", DicomBytes.file(EXPLICIT, DicomBytes.image(20000, 30000, 32).nativePixels(new byte[64]).bytes())),
                "truncated", "30000x20000");
        byte[] ybr = DicomBytes.dataset().us(0x00280002, 3).text(0x00280004, "CS", "YBR_FULL_422").us(0x00280010, 7).us(0x00280011, 7)
                .us(0x00280100, 8).us(0x00280101, 8).us(0x00280102, 7).nativePixels(new byte[7 * 7 * 2]).bytes();
        refused(write("ybr.dcm", DicomBytes.file(EXPLICIT, ybr)), "YBR_FULL_422", "even number of Columns");
    }

    @Test
    void aLengthPastTheEndIsNamed() throws Exception {
        byte[] ds = DicomBytes.image(8, 8, 16).claimed(0x00091010, "OB", 1 << 30, new byte[16]).bytes();
        refused(write("long.dcm", DicomBytes.file(EXPLICIT, ds)), "(0009,1010) claims 1073741824 bytes");
    }
}
