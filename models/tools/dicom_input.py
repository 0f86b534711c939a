"""What a model sees of a DICOM image, in NumPy from the standard (PS3.3 C.11), independently of the
viewer's Java: stored values -> modality LUT (pydicom's) -> the manifest's dicom_window rule ('file':
the first window, else the first VOI LUT, else the full range; 'full-range'; 'fixed' C W) -> MONOCHROME1
inverted. Values in [0, 1]. pydicom is imported only when a DICOM file is read."""
import numpy as np


def is_dicom(path):
    if path.lower().endswith((".dcm", ".dicom")):
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(132)
        return len(head) == 132 and head[128:132] == b"DICM"
    except OSError:
        return False


def window_linear(x, c, w):
    """PS3.3 C.11.2.1.2.1 (LINEAR), output in [0, 1]."""
    c, w = c - 0.5, w - 1
    y = (x - c) / w + 0.5
    return np.where(x <= c - w / 2, 0.0, np.where(x > c + w / 2, 1.0, y))


def first(v):
    import pydicom
    return float(v[0]) if isinstance(v, pydicom.multival.MultiValue) else float(v)


def model_input(ds, modality, rule=None):
    rule = rule or {"rule": "file"}
    if rule["rule"] == "fixed":
        out = window_linear(modality, rule["center"], rule["width"])
    elif rule["rule"] == "file" and "WindowCenter" in ds and "WindowWidth" in ds:
        out = window_linear(modality, first(ds.WindowCenter), first(ds.WindowWidth))
    elif rule["rule"] == "file" and "VOILUTSequence" in ds:
        item = ds.VOILUTSequence[0]
        n, start, bits = item.LUTDescriptor
        n = n or 65536
        table = np.frombuffer(item.LUTData, dtype=np.uint16) if isinstance(item.LUTData, bytes) else np.asarray(item.LUTData)
        idx = np.clip(np.round(modality).astype(np.int64) - start, 0, n - 1)
        out = table[idx] / float(2 ** bits - 1)
    else:
        lo, hi = modality.min(), modality.max()
        out = (modality - lo) / (hi - lo) if hi > lo else np.zeros_like(modality)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        out = 1 - out
    return out.astype(np.float32)


def read(path, rule=None):
    """The first frame of a grayscale DICOM file as the model sees it: float32 (H, W) in [0, 1]."""
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    frame = arr[0] if int(getattr(ds, "NumberOfFrames", 1) or 1) > 1 else arr
    return model_input(ds, apply_modality_lut(frame, ds).astype(np.float64), rule)
