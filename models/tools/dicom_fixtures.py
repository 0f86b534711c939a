"""DICOM test fixtures for the viewer's reader, made with pydicom (Debian's python3-pydicom).

Two kinds, both listed in cases.json with what the Java reader must give:
- made here from a phantom: every VOI case the standard has (windows with explanations, MONOCHROME1,
  rescale with signed pixels, a VOI LUT sequence, no window, implicit VR, several frames, RLE,
  JPEG baseline, JPEG 2000, an unsupported JPEG-LS file, a file without an extension);
- pydicom's own test files (made by other tools: dcmtk, gdcm, scanners), with the stored values
  pydicom decodes.

For each readable case: `<name>.stored.npy` (pydicom's stored values of the first frame),
`<name>.modality.npy` (pydicom's modality LUT), `<name>.input.npy` (what the model sees by default:
the first window, else the first VOI LUT, else the full range; inverted for MONOCHROME1), computed
here in NumPy from the standard's formulas, independently of the Java code.
"""
import io
import json
import os
import shutil

import numpy as np
from PIL import Image

import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixel_data_handlers.util import apply_modality_lut
from pydicom.sequence import Sequence
from dicom_input import model_input, window_linear  # noqa: F401
from pydicom.uid import (ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEG2000Lossless, JPEGBaseline8Bit,
                         JPEGLSLossless, JPEGLosslessSV1, RLELossless, generate_uid)

STUDY_UID = "1.2.826.0.1.3680043.8.498.1"
SERIES_UID = "1.2.826.0.1.3680043.8.498.2"


def base_dataset(rows, cols, syntax=ExplicitVRLittleEndian, sop_uid=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray for presentation
    meta.MediaStorageSOPInstanceUID = sop_uid or generate_uid()
    meta.TransferSyntaxUID = syntax
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = STUDY_UID
    ds.SeriesInstanceUID = SERIES_UID
    ds.PatientName = "PHANTOM^DEMO"
    ds.PatientID = "PHANTOM-0001"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyDate = "20260101"
    ds.Modality = "DX"
    ds.ViewPosition = "PA"
    ds.ImageLaterality = "U"
    ds.InstitutionName = "Grad-CAM Viewer test phantoms"
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.is_little_endian = True
    ds.is_implicit_VR = syntax == ImplicitVRLittleEndian
    return ds


def set_pixels(ds, stored, bits_stored, signed=False):
    ds.BitsAllocated = 16 if bits_stored > 8 else 8
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    dtype = {(16, False): np.uint16, (16, True): np.int16, (8, False): np.uint8, (8, True): np.int8}[(ds.BitsAllocated, signed)]
    ds.PixelData = np.ascontiguousarray(stored.astype(dtype)).tobytes()


def lossless_jpeg(image, precision):
    """A lossless JPEG (ITU T.81 process 14, SOF3, first-order prediction: DICOM's 1.2.840.10008.1.2.4.70),
    written here from the standard so that the Java decoder is checked against an independent encoder.
    One Huffman table gives every difference category (0..16) a 5-bit code."""
    rows, cols = image.shape
    x = image.astype(np.int64)
    pred = np.empty_like(x)
    pred[0, 0] = 1 << (precision - 1)
    pred[0, 1:] = x[0, :-1]
    pred[1:, 0] = x[:-1, 0]
    pred[1:, 1:] = x[1:, :-1]
    diff = (x - pred) % 65536
    diff = np.where(diff > 32768, diff - 65536, diff)
    out, acc, nbits = bytearray(), 0, 0

    def put(value, n):
        nonlocal acc, nbits
        acc, nbits = (acc << n) | (value & ((1 << n) - 1)), nbits + n
        while nbits >= 8:
            byte = (acc >> (nbits - 8)) & 0xFF
            out.append(byte)
            if byte == 0xFF:
                out.append(0)
            nbits -= 8

    for d in diff.ravel().tolist():
        ssss = 16 if d == 32768 else abs(d).bit_length()
        put(ssss, 5)
        if 0 < ssss < 16:
            put(d if d > 0 else d - 1, ssss)
    if nbits:
        put(0xFF, 8 - nbits)
    bits = [0, 0, 0, 0, 17] + [0] * 11
    dht = bytes([0x00] + bits + list(range(17)))
    sof = bytes([precision, rows >> 8, rows & 255, cols >> 8, cols & 255, 1, 1, 0x11, 0])
    sos = bytes([1, 1, 0x00, 1, 0, 0])
    seg = lambda marker, body: bytes([0xFF, marker, (len(body) + 2) >> 8, (len(body) + 2) & 255]) + body
    return b"\xff\xd8" + seg(0xC4, dht) + seg(0xC3, sof) + seg(0xDA, sos) + bytes(out) + b"\xff\xd9"


def phantom(samples, name, size=None):
    img = Image.open(os.path.join(samples, name)).convert("L")
    if size:
        img = img.resize(size, Image.BILINEAR)
    return np.asarray(img).astype(np.float64) / 255.0


def made_cases(samples, out):
    """The cases made here; returns their expectations."""
    g = phantom(samples, "phantom-02-normal.png", (160, 192))  # 160 wide, 192 tall
    rows, cols = g.shape
    twelve = np.round(g * 4095).astype(np.int64)
    cases = []

    def save(name, ds, expect):
        path = os.path.join(out, name)
        ds.save_as(path, write_like_original=False)
        cases.append(dict(file=name, **expect))
        return path

    ds = base_dataset(rows, cols)
    set_pixels(ds, twelve, 12)
    ds.WindowCenter = [2048, 1500]
    ds.WindowWidth = [4096, 1000]
    ds.WindowCenterWidthExplanation = ["FULL", "NARROW"]
    save("mono2-windows.dcm", ds, dict(presets=["FULL (C 2048 W 4096)", "NARROW (C 1500 W 1000)"], inverted=False,
                                       sop=ds.SOPInstanceUID))
    shutil.copyfile(os.path.join(out, "mono2-windows.dcm"), os.path.join(out, "no-extension"))
    cases.append(dict(file="no-extension", presets=["FULL (C 2048 W 4096)", "NARROW (C 1500 W 1000)"], inverted=False, sop=ds.SOPInstanceUID))

    ds = base_dataset(rows, cols)
    set_pixels(ds, 4095 - twelve, 12)
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    save("mono1.dcm", ds, dict(inverted=True))

    ds = base_dataset(rows, cols)
    hu = np.round(g * 3000 - 1000)  # modality values -1000 .. 2000
    set_pixels(ds, (hu + 1024) * 2, 16, signed=True)  # stored = (hu - intercept) / slope, slope 0.5, intercept -1024
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = "0.5", "-1024", "US"
    ds.WindowCenter, ds.WindowWidth = 400, 1800
    save("rescale-signed.dcm", ds, dict(inverted=False))

    ds = base_dataset(rows, cols)
    set_pixels(ds, twelve, 12)
    item = Dataset()
    lut = np.round(np.sqrt(np.arange(4096) / 4095.0) * 255).astype(np.uint16)  # a gamma-like LUT, 8-bit entries
    item.LUTDescriptor = [4096, 0, 8]
    item.LUTExplanation = "SQRT"
    item.add_new(0x00283006, "OW", lut.tobytes())
    ds.VOILUTSequence = Sequence([item])
    save("voi-lut.dcm", ds, dict(presets=["SQRT (VOI LUT)"], inverted=False))

    ds = base_dataset(rows, cols)
    set_pixels(ds, np.round(twelve * 0.9) + 100, 12)
    save("no-window.dcm", ds, dict(inverted=False))

    ds = base_dataset(rows, cols, ImplicitVRLittleEndian)
    set_pixels(ds, twelve, 12)
    ds.WindowCenter, ds.WindowWidth = 1800, 2500
    save("implicit.dcm", ds, dict(inverted=False))

    ds = base_dataset(rows, cols)
    frames = np.stack([twelve, 4095 - twelve, twelve // 2])
    ds.NumberOfFrames = 3
    set_pixels(ds, frames, 12)
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    save("multiframe.dcm", ds, dict(inverted=False, warning="3 frames"))

    ds = base_dataset(rows, cols)
    set_pixels(ds, twelve, 12)
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.compress(RLELossless)
    save("rle.dcm", ds, dict(inverted=False))

    eight = np.round(g * 255).astype(np.uint8)
    ds = base_dataset(rows, cols, JPEGBaseline8Bit)
    buf = io.BytesIO()
    Image.fromarray(eight).save(buf, format="JPEG", quality=92)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = encapsulate([buf.getvalue()])
    ds["PixelData"].is_undefined_length = True
    ds.LossyImageCompression = "01"
    save("jpeg-baseline.dcm", ds, dict(inverted=False, lossy=True))

    ds = base_dataset(rows, cols, JPEG2000Lossless)
    buf = io.BytesIO()
    Image.fromarray(twelve.astype(np.uint16), mode="I;16").save(buf, format="JPEG2000", irreversible=False, no_jp2=True)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = encapsulate([buf.getvalue()])
    ds["PixelData"].is_undefined_length = True
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    save("jpeg2000.dcm", ds, dict(inverted=False))

    ds = base_dataset(rows, cols, JPEGLosslessSV1)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = encapsulate([lossless_jpeg(twelve, 12)])
    ds["PixelData"].is_undefined_length = True
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    save("jpeg-lossless.dcm", ds, dict(inverted=False, stored_from="mono2-windows.dcm"))

    ds = base_dataset(rows, cols, JPEGLSLossless)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = encapsulate([b"\xff\xd8\xff\xf7" + b"\0" * 64 + b"\xff\xd9"])
    ds["PixelData"].is_undefined_length = True
    save("jpeg-ls.dcm", ds, dict(refused="JPEG-LS Lossless (1.2.840.10008.1.2.4.80) is not supported"))

    # the phantom the demo's tests use, as 8-bit DICOM whose default window gives the PNG's values exactly
    p = np.asarray(Image.open(os.path.join(samples, "phantom-01-pneumonia.png")).convert("L"))
    ds = base_dataset(p.shape[0], p.shape[1])
    set_pixels(ds, p.astype(np.int64), 8)
    ds.WindowCenter, ds.WindowWidth = "128", "256"  # (x - 127.5) / 255 + 0.5 = x / 255
    save("phantom-01-pneumonia.dcm", ds, dict(inverted=False, same_as="phantom-01-pneumonia.png"))
    return cases


PYDICOM_FILES = ["CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm",
                 "MR_small_jp2klossless.dcm", "MR_small_padded.dcm", "ExplVR_BigEnd.dcm", "ExplVR_LitEndNoMeta.dcm",
                 "image_dfl.dcm", "JPEG2000.dcm", "JPEG-lossy.dcm", "JPGExtended.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_rle.dcm",
                 "SC_rgb_dcmtk_+eb+cr.dcm", "SC_ybr_full_422_uncompressed.dcm", "rtdose_1frame.dcm", "liver_1frame.dcm",
                 "MR_small_jpeg_ls_lossless.dcm", "no_meta.dcm", "rtplan.dcm", "MR_truncated.dcm"]


def pydicom_cases(out):
    """pydicom's test files that exist in this pydicom, copied with the stored values pydicom decodes."""
    import warnings
    from pydicom.data import get_testdata_file
    warnings.filterwarnings("ignore", module="pydicom")  # its test files are odd on purpose: padding, missing meta
    cases = []
    for name in PYDICOM_FILES:
        try:
            src = get_testdata_file(name)
        except Exception:
            src = None
        if not src or not os.path.exists(src):
            continue
        target = "pydicom-" + name
        shutil.copyfile(src, os.path.join(out, target))
        ds = pydicom.dcmread(src, force=True)
        case = dict(file=target, source="pydicom")
        try:
            arr = ds.pixel_array
        except Exception as e:  # pydicom cannot decode it here: the Java side says what it does
            case["pydicom_error"] = type(e).__name__
            cases.append(case)
            continue
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        first = arr[0] if frames > 1 else arr
        case["colour"] = int(ds.SamplesPerPixel) == 3
        case["lossy"] = str(ds.file_meta.TransferSyntaxUID) in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.91")
        np.save(os.path.join(out, target + ".stored.npy"), first.astype(np.float32))
        if not case["colour"]:
            modality = apply_modality_lut(first, ds).astype(np.float64)
            np.save(os.path.join(out, target + ".modality.npy"), modality.astype(np.float32))
            np.save(os.path.join(out, target + ".input.npy"), model_input(ds, modality))
        else:
            from pydicom.pixel_data_handlers.util import convert_color_space
            rgb = first
            if ds.PhotometricInterpretation.startswith("YBR"):
                rgb = convert_color_space(first, ds.PhotometricInterpretation, "RGB")
            np.save(os.path.join(out, target + ".stored.npy"), rgb.astype(np.float32))
        cases.append(case)
    return cases


def write(samples, out):
    os.makedirs(out, exist_ok=True)
    cases = made_cases(samples, out)
    for c in cases:
        if "refused" in c:
            continue
        ds = pydicom.dcmread(os.path.join(out, c["file"]))
        if "stored_from" in c:  # pydicom cannot decode it without plug-ins: the same pixels, stored another way
            arr = pydicom.dcmread(os.path.join(out, c.pop("stored_from"))).pixel_array
        else:
            arr = ds.pixel_array
        first = arr[0] if int(getattr(ds, "NumberOfFrames", 1) or 1) > 1 else arr
        modality = apply_modality_lut(first, ds).astype(np.float64)
        np.save(os.path.join(out, c["file"] + ".stored.npy"), first.astype(np.float32))
        np.save(os.path.join(out, c["file"] + ".modality.npy"), modality.astype(np.float32))
        np.save(os.path.join(out, c["file"] + ".input.npy"), model_input(ds, modality))
        c["study"], c["series"], c["sop"] = ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID
        if c["file"] in ("mono2-windows.dcm", "mono1.dcm", "rescale-signed.dcm"):  # the exporter's other --dicom-window rules
            np.save(os.path.join(out, c["file"] + ".full-range.npy"), model_input(ds, modality, {"rule": "full-range"}))
            np.save(os.path.join(out, c["file"] + ".fixed.npy"), model_input(ds, modality, {"rule": "fixed", "center": 1500.0, "width": 1000.0}))
    cases += pydicom_cases(out)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    return cases


if __name__ == "__main__":
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    for c in write(os.path.join(here, "..", "samples"), sys.argv[1] if len(sys.argv) > 1 else "target/fixtures/dicom"):
        print(c)
