"""Model architectures the exporter knows by name.

`XRayClassifier` is the chest X-ray classifier of the Grad-CAM tutorial this project starts from,
module for module as the article writes it (so that its state_dict loads here and `print(model)`
gives the article's printed tree): five `ResNetBlock`s in `resnet_blocks`, each halving the
resolution (256 -> 8), then `classifier` = an 8x8 convolution to one channel, dropout, sigmoid. It
returns [B, 1, 1, 1], which the exporter squeezes to [B, 1]. Torchvision classifiers are reachable by
their names, any other class by `package.module:Class` or `path/to/file.py:Class`.
"""
import importlib
import importlib.util
import os
import sys

from torch import nn
import torch.nn.functional as F


class ResNetBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super(ResNetBlock, self).__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)

        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels)
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = F.relu(out)
        return out


class XRayClassifier(nn.Module):
    """The tutorial's classifier (nc input channels, nf features in the first block)."""

    def __init__(self, nc=3, nf=64, dropout=0.2):
        super(XRayClassifier, self).__init__()

        self.resnet_blocks = nn.Sequential(
            ResNetBlock(nc, nf, stride=2),
            ResNetBlock(nf, nf * 2, stride=2),
            ResNetBlock(nf * 2, nf * 4, stride=2),
            ResNetBlock(nf * 4, nf * 8, stride=2),
            ResNetBlock(nf * 8, nf * 16, stride=2),
        )

        self.classifier = nn.Sequential(
            nn.Conv2d(nf * 16, 1, 8, 1, 0, bias=False),
            nn.Dropout(p=dropout),
            nn.Sigmoid(),
        )

    def forward(self, input):
        output = self.resnet_blocks(input)
        output = self.classifier(output)
        return output


def resolve(name):
    """The factory (class or function) that `name` stands for: 'XRayClassifier', a torchvision
    model name, 'package.module:Factory' or 'path/to/file.py:Factory'."""
    if name == "XRayClassifier":
        return XRayClassifier
    if ":" in name:
        module_name, attr = name.rsplit(":", 1)
        if module_name.endswith(".py"):
            module = load_file(module_name)
        else:
            module = importlib.import_module(module_name)
        factory = getattr(module, attr, None)
        if factory is None:
            raise ValueError(f"{module_name} has no '{attr}'")
        return factory
    import torchvision.models as tvm
    factory = getattr(tvm, name, None)
    if factory is None or not callable(factory):
        raise ValueError(f"unknown architecture '{name}': give XRayClassifier, a torchvision model "
                         f"name such as resnet18, or an import path such as mypkg.models:MyNet or "
                         f"path/to/file.py:MyNet")
    return factory


def load_file(path):
    """Import a Python file by its path (its own folder importable for its imports)."""
    if not os.path.isfile(path):
        raise ValueError(f"no such file: {path}")
    name = "gradcam_user_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_")
    if name in sys.modules:
        return sys.modules[name]
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def build(name, **kwargs):
    """Build a model by name (see resolve)."""
    return resolve(name)(**kwargs)
