"""Write print(model) trees and their named_modules() paths for the Java tree-parser tests."""
import json
import os
import sys

import torch
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import architectures  # noqa: E402

out = sys.argv[1]
models = {
    "xray": architectures.XRayClassifier(nf=16),
    "resnet50": tvm.resnet50(),
    "densenet121": tvm.densenet121(),
    "vgg16": tvm.vgg16(),
    "mobilenet_v3_small": tvm.mobilenet_v3_small(),
    "efficientnet_b0": tvm.efficientnet_b0(),
    "vit_b_16": tvm.vit_b_16(),
    "swin_t": tvm.swin_t(),
}
for name, m in models.items():
    with open(os.path.join(out, name + ".txt"), "w") as f:
        f.write(str(m))
    paths = [[n, type(mod).__name__] for n, mod in m.named_modules(remove_duplicate=False) if n]
    with open(os.path.join(out, name + ".paths.json"), "w") as f:
        json.dump(paths, f)
print("torch", torch.__version__)
