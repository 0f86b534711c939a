"""Model architectures the exporter knows by name.

`XRayClassifier` is the chest X-ray classifier of the Grad-CAM tutorial this project starts from:
five residual blocks that each halve the resolution (256 -> 8 at nf=16), then one 8x8 convolution
with a single output channel and a sigmoid. Torchvision classifiers are reachable by their names.
"""
import importlib

import torch
from torch import nn


class ResNetBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=2):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.relu2 = nn.ReLU()

    def forward(self, x):
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return self.relu2(out)


class XRayClassifier(nn.Module):
    """The tutorial's classifier; one sigmoid output = probability of the second label."""

    def __init__(self, nf=16, in_channels=3):
        super().__init__()
        widths = [in_channels, nf, nf * 2, nf * 4, nf * 8, nf * 16]
        blocks = [ResNetBlock(widths[i], widths[i + 1]) for i in range(5)]
        self.base_model = nn.Sequential(
            *blocks,
            nn.Conv2d(widths[-1], 1, kernel_size=8, bias=False),
            nn.Flatten(),
        )
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.base_model(x))


def build(name, **kwargs):
    """Build a model by name: 'XRayClassifier', a torchvision model name, or 'package.module:Class'."""
    if name == "XRayClassifier":
        return XRayClassifier(**kwargs)
    if ":" in name:
        module_name, attr = name.split(":", 1)
        factory = getattr(importlib.import_module(module_name), attr)
        return factory(**kwargs)
    import torchvision.models as tvm
    factory = getattr(tvm, name, None)
    if factory is None or not callable(factory):
        raise ValueError(f"unknown architecture '{name}': give XRayClassifier, a torchvision model "
                         f"name such as resnet18, or an import path such as mypkg.models:MyNet")
    return factory(**kwargs)
