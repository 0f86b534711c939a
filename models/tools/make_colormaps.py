"""Write the viewer's colormap tables from matplotlib (256 RGB entries each), so that the Java
colours equal matplotlib's: src/main/resources/dev/gradcamviewer/imaging/colormaps.tsv.
viridis, inferno and magma are CC0 (van der Walt, Smith); turbo is Apache-2.0 (Google LLC).

    /usr/bin/python3 make_colormaps.py ../../src/main/resources/dev/gradcamviewer/imaging/colormaps.tsv
"""
import sys

import matplotlib
import numpy as np

NAMES = ["jet", "turbo", "viridis", "inferno", "magma", "hot", "gray"]


def main():
    out = sys.argv[1]
    with open(out, "w") as f:
        f.write(f"# colormap\tindex\tred\tgreen\tblue (from matplotlib {matplotlib.__version__}, N = 256)\n")
        for name in NAMES:
            cmap = matplotlib.colormaps[name] if hasattr(matplotlib, "colormaps") else matplotlib.cm.get_cmap(name)
            rgba = cmap(np.arange(256))
            for i, (r, g, b, _) in enumerate(rgba):
                f.write(f"{name}\t{i}\t{r:.8f}\t{g:.8f}\t{b:.8f}\n")


if __name__ == "__main__":
    main()
