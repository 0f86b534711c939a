#!/usr/bin/env bash
# Coverage-guided fuzzing of the DICOM reader with Jazzer (not part of CI): runs
# DicomParserFuzzTest for the time its @FuzzTest gives (10 minutes), starting from the inputs kept in
# src/test/resources/dev/gradcamviewer/imaging/dicom/DicomParserFuzzTestInputs/readsOrRefuses/.
# An input that makes the reader throw anything but a DicomException with a message is written
# there as crash-<hash>: fix the reader, keep the file (a regression that every `mvn verify` replays).
# The growing corpus Jazzer keeps between runs is under .cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
JAZZER_FUZZ=1 mvn -B -ntp -Dexec.skip=true -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DicomParserFuzzTest test "$@"
