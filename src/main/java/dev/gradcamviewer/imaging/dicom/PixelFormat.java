package dev.gradcamviewer.imaging.dicom;

/** How one frame's samples are laid out, from the Image Pixel module. */
record PixelFormat(int rows, int columns, int samples, int bitsAllocated, int bitsStored, int highBit,
                   boolean signed, int planar, String photometric) {
    int frameBytes() { return rows * columns * samples * (bitsAllocated / 8); }

    /** A raw sample to its stored value: the stored bits picked out, sign-extended when signed. */
    int stored(int raw) {
        int shift = highBit + 1 - bitsStored;
        int v = bitsStored >= 32 ? raw >>> Math.max(shift, 0) : (raw >>> Math.max(shift, 0)) & ((1 << bitsStored) - 1);
        if (signed && bitsStored < 32 && (v & (1 << (bitsStored - 1))) != 0) v -= 1 << bitsStored;
        return v;
    }
}
