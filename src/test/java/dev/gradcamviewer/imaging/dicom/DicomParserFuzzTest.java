package dev.gradcamviewer.imaging.dicom;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the DICOM reader with Jazzer: {@code scripts/fuzz-dicom.sh} runs it for
 * a fixed time (not in CI). Under plain JUnit it replays every input kept in
 * {@code DicomParserFuzzTestInputs/readsOrRefuses/} (what fuzzing found, and seeds): each must be
 * read, or refused with a {@link DicomException} that says something; anything else thrown is a
 * finding.
 */
class DicomParserFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void readsOrRefuses(byte[] data) {
        try {
            DicomImageReader.Result r = DicomImageReader.read(data);
            assertTrue(r.width() > 0 && r.height() > 0, "an image has a size");
        } catch (DicomException e) {
            String m = e.getMessage();
            assertTrue(m != null && m.length() > 10 && !m.contains("Exception") && !m.contains("null"), "a message that says something: " + m);
        } catch (OutOfMemoryError e) {
            // an image of up to a billion pixels is allowed, and may not fit in the fuzzer's heap: the decoder reports that as a message
        }
    }
}
