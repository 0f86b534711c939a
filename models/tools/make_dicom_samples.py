"""Write the DICOM samples shipped with the viewer (models/samples/*.dcm) from two of the PNG phantoms,
with obviously fake patient data (PHANTOM^DEMO) and fixed UIDs so that the files never change:
- phantom-11-pneumonia-dicom.dcm: phantom-06's 16-bit pixels as 12-bit MONOCHROME2 with two windows, RLE;
- phantom-12-normal-mono1.dcm: phantom-02 as 12-bit MONOCHROME1 (white is the lowest value).
Their lesion masks are the source phantoms'. Run with Debian's Python (needs python3-pydicom):

    /usr/bin/python3 make_dicom_samples.py --out ..
"""
import argparse
import os
import shutil

import numpy as np
from PIL import Image
from pydicom.uid import RLELossless, generate_uid

from dicom_fixtures import base_dataset, set_pixels


def uid(name):
    return generate_uid(prefix="2.25.", entropy_srcs=["grad-cam-viewer sample", name])


def write(models):
    samples, masks = os.path.join(models, "samples"), os.path.join(models, "sample-masks")
    src = np.asarray(Image.open(os.path.join(samples, "phantom-06-pneumonia-16bit.png"))).astype(np.int64)
    ds = base_dataset(*src.shape, sop_uid=uid("phantom-11"))
    ds.StudyInstanceUID, ds.SeriesInstanceUID = uid("study-11"), uid("series-11")
    set_pixels(ds, src >> 4, 12)
    ds.WindowCenter, ds.WindowWidth = [2048, 1400], [4096, 1600]
    ds.WindowCenterWidthExplanation = ["FULL", "SOFT TISSUE"]
    ds.StudyDescription = "CHEST PA (synthetic phantom)"
    ds.compress(RLELossless)
    ds.save_as(os.path.join(samples, "phantom-11-pneumonia-dicom.dcm"), write_like_original=False)
    shutil.copyfile(os.path.join(masks, "phantom-06-pneumonia-16bit.mask.png"), os.path.join(masks, "phantom-11-pneumonia-dicom.mask.png"))

    src = np.asarray(Image.open(os.path.join(samples, "phantom-02-normal.png")).convert("L")).astype(np.float64)
    ds = base_dataset(*src.shape, sop_uid=uid("phantom-12"))
    ds.StudyInstanceUID, ds.SeriesInstanceUID = uid("study-12"), uid("series-12")
    ds.PatientName, ds.PatientID = "PHANTOM^DEMO^MONOCHROME1", "PHANTOM-0012"
    ds.PhotometricInterpretation = "MONOCHROME1"
    set_pixels(ds, 4095 - np.round(src * 4095 / 255), 12)
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.StudyDescription = "CHEST PA (synthetic phantom, MONOCHROME1)"
    ds.save_as(os.path.join(samples, "phantom-12-normal-mono1.dcm"), write_like_original=False)
    shutil.copyfile(os.path.join(masks, "phantom-02-normal.mask.png"), os.path.join(masks, "phantom-12-normal-mono1.mask.png"))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="the models/ folder")
    write(ap.parse_args().out)
